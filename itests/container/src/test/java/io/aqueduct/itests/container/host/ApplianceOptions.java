package io.aqueduct.itests.container.host;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Constants;

/**
 * The Pax Exam options that boot the appliance as the distribution ships it: every bundle from
 * {@code <distribution>/bundles/<start level>/*.jar} at its start level, and the framework properties from
 * {@code <distribution>/conf/framework.properties}, so these tests check what we ship and there is no second
 * bundle list to keep in sync. What the launcher derives from {@code config/} (HTTP endpoint, FileInstall
 * folder) is set here instead, pointing at a free loopback port and an empty folder.
 *
 * <p>Runs on the host only (it reads the file system and picks a port); it lives in its own package, which
 * the probe leaves out.
 */
public final class ApplianceOptions {

    /**
     * System property (set by failsafe) naming the built distribution, {@code distribution/target/aqueduct}.
     * Not {@code aqueduct.home}: bundles read that one (through the framework's fallback to system
     * properties) and would write into the distribution.
     */
    public static final String DISTRIBUTION_PROPERTY = "aqueduct.itests.distribution";

    /** Framework property carrying the HTTP port to the tests inside the container. */
    public static final String HTTP_PORT_PROPERTY = "org.osgi.service.http.port";

    private static final String LOOPBACK = "127.0.0.1";

    /** Framework properties the test container sets itself, whatever the distribution says. */
    private static final Set<String> OWN_PROPERTIES = Set.of(
            Constants.FRAMEWORK_STORAGE, // a fresh temporary folder per container (Pax Exam)
            Constants.FRAMEWORK_STORAGE_CLEAN,
            Constants.FRAMEWORK_BEGINNING_STARTLEVEL, // see frameworkStartLevel below
            Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA); // merged with Pax Exam's own, see systemPackage below

    private ApplianceOptions() {
    }

    public static Option[] appliance() {
        Path distribution = distribution();
        Properties framework = frameworkProperties(distribution);
        List<Option> options = new ArrayList<>();

        int highestStartLevel = Math.max(org.ops4j.pax.exam.Constants.START_LEVEL_TEST_BUNDLE,
                Integer.parseInt(framework.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1").trim()));
        for (ShippedBundle b : shippedBundles(distribution.resolve("bundles"))) {
            options.add(bundle(b.path().toUri().toString()).startLevel(b.startLevel()).start(!b.fragment()));
            highestStartLevel = Math.max(highestStartLevel, b.startLevel());
        }
        options.add(frameworkStartLevel(highestStartLevel));

        for (String key : new TreeSet<>(framework.stringPropertyNames())) {
            if (!OWN_PROPERTIES.contains(key)) {
                options.add(frameworkProperty(key).value(framework.getProperty(key).trim()));
            }
        }
        // Pax Exam exports its own packages from the system bundle through the same property.
        for (String pkg : packages(framework.getProperty(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, ""))) {
            options.add(systemPackage(pkg));
        }

        // Jetty on a free loopback port, so runs never collide with each other or a running appliance.
        options.add(frameworkProperty(HTTP_PORT_PROPERTY).value(Integer.toString(freeLoopbackPort())));
        options.add(frameworkProperty("org.apache.felix.http.host").value(LOOPBACK));
        // FileInstall watches a folder of our own: the tests own the node configuration, through ConfigAdmin;
        // the only file puts RTMP on a free loopback port too.
        options.add(frameworkProperty("felix.fileinstall.dir").value(configDir()));
        // as the launcher sets them: the folder is read when FileInstall starts (start level 2), so the
        // configuration is there before the Aqueduct bundles (level 5) activate
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.cfg"));
        options.add(frameworkProperty("felix.fileinstall.poll").value("1000"));
        // As the launcher does without a terminal: the shell must not read stdin (failsafe's channel), and it
        // runs the shipped profile instead of its built-in one.
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        Path gogo = distribution.resolve("conf/gogo");
        if (Files.isDirectory(gogo)) {
            options.add(frameworkProperty("gosh.home").value(gogo.toString()));
        }
        // A fresh framework storage (and so fresh ConfigAdmin data and node id) for every container.
        options.add(cleanCaches(true));
        options.add(junitBundles());
        return options.toArray(Option[]::new);
    }

    private static Path distribution() {
        String dir = System.getProperty(DISTRIBUTION_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + DISTRIBUTION_PROPERTY
                    + " is not set; it names the built distribution, distribution/target/aqueduct (failsafe sets it)");
        }
        Path root = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("bundles"))) {
            throw new IllegalStateException("no distribution at " + root
                    + " (no bundles/ folder); build it first: mvn -B -pl itests/container -am install");
        }
        return root;
    }

    /** The distribution's {@code conf/framework.properties}, with {@code ${aqueduct.home}} replaced as the launcher does. */
    private static Properties frameworkProperties(Path distribution) {
        Properties file = new Properties();
        Path conf = distribution.resolve("conf/framework.properties");
        if (Files.exists(conf)) {
            try (Reader r = Files.newBufferedReader(conf, StandardCharsets.ISO_8859_1)) {
                file.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + conf, e);
            }
        }
        Properties resolved = new Properties();
        for (String key : file.stringPropertyNames()) {
            resolved.setProperty(key, file.getProperty(key).replace("${aqueduct.home}", distribution.toString()));
        }
        return resolved;
    }

    /** Splits a package list at the commas that are not inside quotes (attributes may hold version ranges). */
    private static List<String> packages(String list) {
        List<String> packages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : list.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                packages.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        packages.add(current.toString().trim());
        packages.removeIf(String::isEmpty);
        return packages;
    }

    record ShippedBundle(Path path, int startLevel, boolean fragment) {
    }

    private static List<ShippedBundle> shippedBundles(Path root) {
        List<ShippedBundle> bundles = new ArrayList<>();
        try (Stream<Path> levels = Files.list(root)) {
            for (Path level : levels.filter(Files::isDirectory).sorted().toList()) {
                int startLevel = startLevel(level);
                try (Stream<Path> jars = Files.list(level)) {
                    for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                        bundles.add(new ShippedBundle(jar, startLevel, isFragment(jar)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (bundles.isEmpty()) {
            throw new IllegalStateException("no bundles under " + root + "/<start level>/");
        }
        return bundles;
    }

    private static int startLevel(Path folder) {
        String name = folder.getFileName().toString();
        try {
            int level = Integer.parseInt(name);
            if (level >= 1) {
                return level;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("bundles/" + name + " is not a start level (expected a folder named 1, 2, ...)");
    }

    private static boolean isFragment(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new IllegalStateException(jar + " is not an OSGi bundle (no Bundle-SymbolicName)");
            }
            return manifest.getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    private static String configDir() {
        try {
            Path dir = Files.createTempDirectory("aqueduct-itest-config");
            Path rtmp = Files.writeString(dir.resolve("io.aqueduct.rtmp.cfg"),
                    "host = " + LOOPBACK + "\nport = " + freeLoopbackPort() + "\n");
            rtmp.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }
}
