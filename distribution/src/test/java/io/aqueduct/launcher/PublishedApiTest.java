package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * bin/aqueduct reaches the bundles only through their exported, versioned packages: no launcher class refers to an
 * {@code io.aqueduct} class outside the launcher whose package is not in some bundle's {@code Export-Package} with a
 * version (so bnd sees the contract and a change to it bumps a version), none names an {@code .internal.} package,
 * and neither does the script.
 */
class PublishedApiTest {
    /** A class name in a class file's constant pool, plain or in a descriptor. */
    private static final Pattern AQUEDUCT_CLASS = Pattern.compile("io/aqueduct/[A-Za-z0-9_/$]+");

    @Test
    void launcherClassesUseOnlyExportedVersionedPackages() throws Exception {
        Map<String, Set<String>> used = packagesUsed(classesDirectory());
        assertFalse(used.isEmpty(), "no launcher classes found in " + classesDirectory());
        assertTrue(used.containsKey("io.aqueduct.cluster.mongo") && used.containsKey("io.aqueduct.lb"),
                "the check sees the bundles the launcher uses: " + used.keySet());
        Map<String, String> exported = exportedPackages();
        Map<String, Set<String>> notExported = new TreeMap<>();
        used.forEach((pkg, users) -> {
            if (pkg.contains(".internal") || !exported.containsKey(pkg) || !exported.get(pkg).contains("version=")) {
                notExported.put(pkg, users);
            }
        });
        assertEquals(Map.of(), notExported, "packages the launcher uses that no bundle exports with a version "
                + "(package -> launcher classes)");
    }

    @Test
    void theScriptNamesNoInternalClass() throws IOException {
        Path script = Path.of("src/main/dist/bin/aqueduct");
        String text = Files.readString(script, StandardCharsets.UTF_8);
        assertTrue(text.contains("io.aqueduct.launcher.AdminCommand"), "the script is " + script);
        Matcher m = Pattern.compile("io\\.aqueduct\\.[A-Za-z0-9_.]*internal[A-Za-z0-9_.]*").matcher(text);
        assertFalse(m.find(), () -> "bin/aqueduct runs an internal class: " + m.group());
    }

    private static Path classesDirectory() throws URISyntaxException {
        return Path.of(AdminCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** io.aqueduct packages outside the launcher that the launcher's classes refer to, with the classes that do. */
    private static Map<String, Set<String>> packagesUsed(Path classes) throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                Matcher m = AQUEDUCT_CLASS.matcher(bytes);
                while (m.find()) {
                    String name = m.group();
                    String pkg = name.substring(0, name.lastIndexOf('/')).replace('/', '.');
                    if (!pkg.equals("io.aqueduct.launcher")) {
                        used.computeIfAbsent(pkg, k -> new TreeSet<>()).add(classes.relativize(f).toString());
                    }
                }
            }
        }
        return used;
    }

    /** Every package in the Export-Package header of the bundles on the class path, with its attributes. */
    private static Map<String, String> exportedPackages() throws IOException {
        Map<String, String> exported = new HashMap<>();
        Enumeration<URL> manifests = PublishedApiTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            try (InputStream in = manifests.nextElement().openStream()) {
                String header = new Manifest(in).getMainAttributes().getValue("Export-Package");
                if (header == null) {
                    continue;
                }
                // quoted values hold commas (uses:="a,b"): blank them, then each clause is pkg;attr=...;attr=...
                for (String clause : header.replaceAll("\"[^\"]*\"", "\"\"").split(",")) {
                    int semicolon = clause.indexOf(';');
                    exported.put((semicolon < 0 ? clause : clause.substring(0, semicolon)).strip(), clause);
                }
            }
        }
        return exported;
    }
}
