package io.aqueduct.lb.internal.agent;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.lb.internal.render.LbFormat;
import io.aqueduct.lb.internal.render.LbListeners;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated content of configuration PID {@value #PID}: which balancer, where its template and its rendered file
 * are, how to check and reload it, and what it listens on. Relative paths are relative to the appliance's home.
 *
 * @param validateCommand run through {@code sh -c} with {@code {file}} replaced by the candidate file; exit 0 accepts it
 * @param reloadCommand run through {@code sh -c} after the swap ({@code {target}}, {@code {runtime}} replaced); empty:
 *     no reload (the operator reloads)
 */
public record LbSettings(LbFormat format, Path template, Path target, String validateCommand, String reloadCommand,
        LbListeners listeners) {
    static final String PID = "io.aqueduct.lb";
    /** What a path setting may hold: it goes into a shell command and into the balancer's configuration. */
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._/+@=-]*");

    public static LbSettings parse(Map<String, ?> properties, Path home) {
        Settings s = Settings.of(PID, properties);
        String formatText = s.string("format", "nginx");
        LbFormat format;
        try {
            format = LbFormat.parse(formatText);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(PID, "format", formatText, "expected nginx or haproxy");
        }
        Path template = path(s, home, "template", "lb-templates/" + format.templateFile());
        Path target = path(s, home, "target", "data/lb/" + format.templateFile());
        Path runtime = path(s, home, "runtime.dir", "data/lb/run");
        String validate = s.string("validate.command", format == LbFormat.NGINX ? "nginx -t -q -c {file}"
                : "haproxy -c -q -f {file}");
        String reload = s.string("reload.command", format == LbFormat.NGINX ? "nginx -s reload -c {target}"
                : "kill -USR2 $(cat {runtime}/haproxy.pid)");
        String certificate = pathText(s, home, "tls.certificate");
        String key = pathText(s, home, "tls.key");
        if (certificate.isEmpty() != key.isEmpty()) {
            throw new InvalidSettingException(PID, certificate.isEmpty() ? "tls.certificate" : "tls.key", "",
                    "TLS needs both tls.certificate and tls.key");
        }
        String module = s.string("nginx.stream.module", LbListeners.DEFAULTS.nginxStreamModule());
        if (!PATH.matcher(module).matches()) {
            throw new InvalidSettingException(PID, "nginx.stream.module", module, "expected a file path");
        }
        LbListeners defaults = LbListeners.DEFAULTS;
        LbListeners listeners;
        try {
            listeners = new LbListeners(s.port("listen.rtmp", defaults.rtmpPublishPort()),
                    s.port("listen.rtmp.play", defaults.rtmpPlayPort()), s.port("listen.http", defaults.httpPort()),
                    s.port("listen.https", defaults.httpsPort()), s.port("listen.rtmps", defaults.rtmpsPort()),
                    certificate, key, runtime.toString(), module, s.host("listen.address",
                            defaults.listenAddress()));
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(PID, "listen.*/tls.*", "", e.getMessage());
        }
        return new LbSettings(format, template, target, validate, reload, listeners);
    }

    private static Path path(Settings s, Path home, String key, String defaultValue) {
        String text = s.string(key, defaultValue);
        if (!PATH.matcher(text).matches()) {
            throw new InvalidSettingException(PID, key, text, "expected a file path of letters, digits and . _ / + @ = -");
        }
        return home.resolve(text).normalize();
    }

    private static String pathText(Settings s, Path home, String key) {
        return s.string(key, "").isEmpty() ? "" : path(s, home, key, "").toString();
    }

    /** The validation command for {@code file}. */
    String validateCommandFor(Path file) {
        return validateCommand.replace("{file}", file.toString());
    }

    /** The reload command, or empty. */
    String reloadCommandNow() {
        return reloadCommand.replace("{target}", target.toString()).replace("{runtime}", listeners.runtimeDir());
    }
}
