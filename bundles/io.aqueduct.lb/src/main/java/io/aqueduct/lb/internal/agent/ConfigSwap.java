package io.aqueduct.lb.internal.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Puts a rendered configuration in place the safe way: the candidate is written beside the target, checked by the
 * balancer's own validator, and only then renamed over the target (atomic on one file system), after which the
 * balancer is reloaded. A candidate that cannot be written or is refused never touches the target, so the running
 * balancer keeps the configuration it has.
 */
final class ConfigSwap {
    /** A command that takes longer than this is killed and counts as failed. */
    static final long COMMAND_SECONDS = 30;
    private static final int OUTPUT_LIMIT = 2000;

    /** What happened. {@code problem} is null when the configuration is in place and the balancer reloaded. */
    record Outcome(boolean written, String problem) {
    }

    private ConfigSwap() {
    }

    /** Validates {@code text}, swaps it in as {@code settings.target()} and reloads. */
    static Outcome apply(String text, LbSettings settings) {
        Path target = settings.target();
        Path candidate = target.resolveSibling("." + target.getFileName() + ".candidate");
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectories(Path.of(settings.listeners().runtimeDir()));
            Files.writeString(candidate, text, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, "cannot write the rendered configuration next to " + target + ": " + e
                    + "; the balancer keeps its current configuration");
        }
        try {
            String validate = settings.validateCommandFor(candidate);
            Result check = run(validate);
            if (check.exit() != 0) {
                return new Outcome(false, "the rendered configuration was refused by '" + validate + "' (exit "
                        + check.exit() + "): " + check.output() + "; the balancer keeps its current configuration");
            }
            try {
                Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(candidate, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            return new Outcome(false, "cannot put the configuration in place at " + target + ": " + e
                    + "; the balancer keeps its current configuration");
        } finally {
            try {
                Files.deleteIfExists(candidate);
            } catch (IOException e) {
                // left behind; overwritten next time
            }
        }
        return new Outcome(true, reload(settings));
    }

    /** Reloads the balancer; null when it worked (or there is nothing to run), else what went wrong. */
    static String reload(LbSettings settings) {
        String command = settings.reloadCommandNow();
        if (command.isBlank()) {
            return null;
        }
        Result r = run(command);
        return r.exit() == 0 ? null : "the configuration is in place but the reload '" + command + "' failed (exit "
                + r.exit() + "): " + r.output() + "; tried again every tick (is the balancer running?)";
    }

    record Result(int exit, String output) {
    }

    /** Runs {@code command} through {@code sh -c}; its output (both streams, to a file: nothing blocks) shortened. */
    static Result run(String command) {
        Path log = null;
        try {
            log = Files.createTempFile("aqueduct-lb-", ".out");
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "no answer within " + COMMAND_SECONDS + " s");
            }
            String text = Files.readString(log, StandardCharsets.UTF_8).strip().replaceAll("\\s*\n\\s*", " | ");
            return new Result(p.exitValue(), text.length() > OUTPUT_LIMIT ? text.substring(0, OUTPUT_LIMIT) + "..."
                    : text.isEmpty() ? "(no output)" : text);
        } catch (IOException e) {
            return new Result(-1, "cannot run it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }
}
