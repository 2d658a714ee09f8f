package io.aqueduct.launcher;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import sun.misc.Signal;

/**
 * Starts the appliance: an embedded Felix framework with every bundle under {@code bundles/<startlevel>/}.
 *
 * <p>The home directory comes from system property {@code aqueduct.home} (set by {@code bin/aqueduct}).
 * Framework properties are read from {@code conf/framework.properties} ({@code ${aqueduct.home}} is
 * substituted), system properties from {@code conf/system.properties}; the launcher adds what depends on the
 * files in {@code config/}: the HTTP port and host, FileInstall's directory, and the Web Console password
 * hash (generated on first start, see {@link ConsolePassword}).
 *
 * <p>SIGTERM and SIGINT stop the framework, bundles in reverse start-level order, and the process exits 0.
 */
public final class Launcher {
    static final String STARTED_MESSAGE = "Aqueduct started in ";
    static final String STOPPED_MESSAGE = "Aqueduct stopped cleanly";
    private static final long START_TIMEOUT_MS = 120_000;

    private final Path home;
    private final PrintStream out;
    /** The terminal alone, without the log ({@code bin/aqueduct run}); null when the output is the log. */
    private final PrintStream terminal;
    private final AtomicLong stopRequestedAt = new AtomicLong();
    /** Released when the framework reaches its start level, or when a stop is requested during start. */
    private final CountDownLatch startedOrStopping = new CountDownLatch(1);
    private volatile Framework framework;

    private Launcher(Path home, PrintStream out, PrintStream terminal) {
        this.home = home;
        this.out = out;
        this.terminal = terminal;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("aqueduct.home", ".")).toAbsolutePath().normalize();
        int status;
        try {
            loadSystemProperties(home); // first: they hold the log's rotation settings
            PrintStream out = System.out;
            PrintStream terminal = null;
            String log = System.getProperty("aqueduct.log.tee");
            if (log != null) {
                boolean console = !"false".equals(System.getProperty("aqueduct.log.console"));
                // bin/aqueduct run: System.out before the log is the terminal; start: logs/console.out, no terminal
                terminal = console ? System.out : null;
                out = logTo(Path.of(log), console);
            }
            status = new Launcher(home, out, terminal).run();
        } catch (Exception e) {
            System.err.println("Aqueduct failed to start: " + e);
            e.printStackTrace();
            status = 1;
        }
        removePidFile();
        System.out.flush();
        System.exit(status);
    }

    private int run() throws Exception {
        Map<String, String> props = frameworkProperties();

        HttpEndpoint http = HttpEndpoint.read(home);
        http.problems().forEach(p -> System.err.println("WARN launcher - " + p));
        String busy = http.bindProblem();
        if (busy != null) {
            System.err.println("ERROR launcher - Aqueduct not started: " + busy);
            return 1;
        }
        props.put("org.osgi.service.http.port", Integer.toString(http.port()));
        props.put("org.apache.felix.http.host", http.host());

        String banner = null;
        String hashed = ConsolePassword.stored(home);
        if (hashed == null) {
            String password = ConsolePassword.generate();
            hashed = ConsolePassword.storeGenerated(home, password);
            banner = ConsolePassword.banner(password, http.url("/system/console"));
        }
        props.put(ConsolePassword.FRAMEWORK_PROPERTY, hashed);

        configureShell();

        Signal.handle(new Signal("TERM"), s -> requestStop());
        Signal.handle(new Signal("INT"), s -> requestStop());
        // Any other way out (SIGHUP, System.exit from a bundle) still stops the bundles.
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWait, "aqueduct-shutdown"));

        try {
            start(props);
        } finally {
            if (banner != null) {
                // Shown after the startup logging so it does not scroll away; shown even if startup failed. The
                // password goes to the terminal only: the log names the file (bin/aqueduct start shows it from there).
                if (terminal != null) {
                    terminal.println(banner);
                    out.println("The generated Web Console password is in " + ConsolePassword.GENERATED_FILE);
                } else {
                    out.println(ConsolePassword.banner(null, http.url("/system/console")));
                }
            }
        }
        if (stopRequestedAt.get() == 0) {
            out.println(STARTED_MESSAGE + sinceJvmStart() + " ms, " + http.url("/health"));
        }
        return awaitStop();
    }

    /**
     * Gogo: an interactive shell on a terminal ({@code bin/aqueduct run}); otherwise no shell session, so a
     * background node does not read standard input and stop at its end. Without a terminal, JLine makes a dumb
     * terminal (quietly, as asked), and the shell reads conf/gogo/etc/gosh_profile instead of its built-in
     * profile, which sets up line editing and fails without a terminal.
     */
    private void configureShell() {
        String args = System.getProperty("gosh.args");
        boolean interactive = args == null ? System.console() != null : !args.contains("--nointeractive");
        if (interactive) {
            return;
        }
        if (args == null) {
            System.setProperty("gosh.args", "--nointeractive");
        }
        System.setProperty("gosh.home", home.resolve("conf/gogo").toString());
        System.setProperty("org.jline.terminal.dumb", "true");
    }

    private Map<String, String> frameworkProperties() throws IOException {
        Properties file = new Properties();
        Path conf = home.resolve("conf/framework.properties");
        if (Files.exists(conf)) {
            try (Reader r = Files.newBufferedReader(conf, StandardCharsets.ISO_8859_1)) {
                file.load(r);
            }
        }
        Map<String, String> props = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            props.put(key, file.getProperty(key).replace("${aqueduct.home}", home.toString()).trim());
        }
        props.put("aqueduct.home", home.toString());
        props.putIfAbsent(Constants.FRAMEWORK_STORAGE, home.resolve("data/cache").toString());
        props.putIfAbsent(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.putIfAbsent("felix.fileinstall.dir", home.resolve("config").toString());
        props.putIfAbsent("felix.fileinstall.filter", ".*\\.cfg");
        props.putIfAbsent("felix.fileinstall.poll", "1000");
        props.putIfAbsent("felix.fileinstall.noInitialDelay", "true");
        props.putIfAbsent("felix.fileinstall.enableConfigSave", "true");
        return props;
    }

    private void start(Map<String, String> props) throws Exception {
        List<BundleFile> bundleFiles = bundleFiles();
        int highest = bundleFiles.stream().mapToInt(BundleFile::startLevel).max().orElse(1);
        int beginning = Integer.parseInt(props.getOrDefault(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1"));
        if (beginning < highest) {
            // a bundle folder above the beginning start level would never start
            props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(highest));
        }

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = factory.newFramework(props);
        framework = fw;
        fw.init();
        BundleContext ctx = fw.getBundleContext();
        for (BundleFile bf : bundleFiles) {
            try {
                // reference: Felix reads the jar in place instead of copying it into the cache
                Bundle b = ctx.installBundle("reference:" + bf.path().toUri());
                b.adapt(BundleStartLevel.class).setStartLevel(bf.startLevel());
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start(); // only marks it; it starts when the framework reaches its start level
                }
            } catch (BundleException e) {
                System.err.println("ERROR launcher - cannot install " + home.relativize(bf.path()) + ": " + e.getMessage());
            }
        }

        ctx.addFrameworkListener(e -> {
            if (e.getType() == FrameworkEvent.STARTED) {
                startedOrStopping.countDown();
            }
        });
        fw.start();
        if (!startedOrStopping.await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the framework did not reach its start level within "
                    + START_TIMEOUT_MS / 1000 + " s");
        }
    }

    /** Jar files under bundles/&lt;n&gt;/, by start level, then by name. */
    private List<BundleFile> bundleFiles() throws IOException {
        List<BundleFile> result = new ArrayList<>();
        Path root = home.resolve("bundles");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no bundles directory: " + root);
        }
        try (Stream<Path> levels = Files.list(root)) {
            for (Path dir : levels.filter(Files::isDirectory).toList()) {
                int level;
                try {
                    level = Integer.parseInt(dir.getFileName().toString());
                } catch (NumberFormatException e) {
                    System.err.println("WARN launcher - ignoring " + home.relativize(dir) + ": the folder name must be a start level");
                    continue;
                }
                try (Stream<Path> jars = Files.list(dir)) {
                    jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
                            .forEach(p -> result.add(new BundleFile(p, level)));
                }
            }
        }
        result.sort(Comparator.comparingInt(BundleFile::startLevel).thenComparing(bf -> bf.path().getFileName().toString()));
        return result;
    }

    private record BundleFile(Path path, int startLevel) {
    }

    private void requestStop() {
        Framework fw = framework;
        if (fw != null && stopRequestedAt.compareAndSet(0, System.nanoTime())) {
            startedOrStopping.countDown();
            try {
                fw.stop();
            } catch (BundleException e) {
                System.err.println("ERROR launcher - stopping the framework: " + e);
            }
        }
    }

    private void stopAndWait() {
        requestStop();
        Framework fw = framework;
        if (fw != null) {
            try {
                fw.waitForStop(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the framework stops; a restart from the Web Console (system bundle update) is waited through. */
    private int awaitStop() throws InterruptedException {
        while (true) {
            FrameworkEvent event = framework.waitForStop(0);
            if (event.getType() == FrameworkEvent.STOPPED_UPDATE) {
                // Felix restarts itself after an update; wait for it to come back, then wait for its stop
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                continue;
            }
            long requested = stopRequestedAt.get();
            long ms = requested == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - requested);
            if (event.getType() == FrameworkEvent.ERROR) {
                out.println("Aqueduct stopped after an error: " + event.getThrowable());
                return 1;
            }
            out.println(requested == 0 ? STOPPED_MESSAGE : STOPPED_MESSAGE + " in " + ms + " ms");
            return 0;
        }
    }

    private static long sinceJvmStart() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, Instant.now()).toMillis())
                .orElse(-1L);
    }

    private static void loadSystemProperties(Path home) throws IOException {
        Path file = home.resolve("conf/system.properties");
        if (!Files.exists(file)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) {
            // -D on the command line wins over the file
            if (System.getProperty(key) == null) {
                System.setProperty(key, p.getProperty(key).replace("${aqueduct.home}", home.toString()).trim());
            }
        }
    }

    /**
     * Everything printed (slf4j-simple writes to standard error) is appended to the log, which rotates by size
     * ({@link RotatingLogFile}): {@code bin/aqueduct run} also shows it on the terminal ({@code console}), a node
     * started in the background writes it to the log only.
     *
     * @return where the launcher's own lines go (the started line): the log, and standard output too, where
     *         {@code bin/aqueduct start} looks for them (its output file holds this start's lines only)
     */
    private static PrintStream logTo(Path log, boolean console) throws IOException {
        PrintStream standardOut = System.out;
        OutputStream file = RotatingLogFile.fromSystemProperties(log);
        System.setOut(new PrintStream(console ? new Tee(System.out, file) : file, true));
        System.setErr(new PrintStream(console ? new Tee(System.err, file) : file, true));
        return console ? System.out : new PrintStream(new Tee(standardOut, file), true);
    }

    private static void removePidFile() {
        String pidFile = System.getProperty("aqueduct.pidfile");
        if (pidFile == null) {
            return;
        }
        try {
            File f = new File(pidFile);
            if (f.isFile() && Files.readString(f.toPath()).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(f.toPath());
            }
        } catch (IOException e) {
            // the script treats a pid file of a dead process as stale
        }
    }

    /** Writes to both streams; the file gets whole writes under one lock so lines from two threads do not mix. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
