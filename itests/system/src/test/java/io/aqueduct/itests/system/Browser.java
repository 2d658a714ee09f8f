package io.aqueduct.itests.system;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium driven through chromedriver (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/run}), for tests of what a viewer's browser does with the appliance's pages. Both programs are taken
 * from fixed paths so Selenium Manager never looks for (or downloads) a browser. chromedriver and Chromium's
 * DevTools port listen on loopback only; the profile lives in a temporary directory removed by {@link #close()}.
 *
 * <p>Everything the page writes to its console, and every resource that failed to load, is collected so that a
 * failing wait can say what the browser saw.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
    private static final Duration POLL = Duration.ofMillis(100);

    // a strong reference: java.util.logging forgets levels set on loggers nobody holds
    private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static {
        // Selenium warns on every start that it has no DevTools bindings for this Chromium's version; we use none
        SELENIUM_LOG.setLevel(Level.SEVERE);
    }

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<String> console = new ArrayList<>();

    private Browser(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Starts chromedriver and a headless Chromium with a fresh profile; autoplay allowed, sound off. */
    static Browser start() throws IOException {
        for (Path p : new Path[] {CHROMEDRIVER, CHROMIUM}) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: apt-get install chromium chromium-driver (.ci/run does)");
            }
        }
        Path profile = Files.createTempDirectory("aqueduct-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu",
                // nothing but the page under test goes on the network
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // a test cannot click play; muted so no audio device is needed
                "--autoplay-policy=no-user-gesture-required", "--mute-audio",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(profile.resolve("chromedriver.log").toFile())
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
            return new Browser(profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            Appliance.deleteTree(profile);
            throw e;
        }
    }

    /** Loads the page and waits for its load event (scripts with {@code defer} have run by then). */
    void open(String url) {
        consoleLog(); // collect the previous page's messages before the marker
        console.add("--- open " + url);
        driver.get(url);
    }

    /** The value of a JavaScript expression: numbers come back as Long or Double, objects as Maps, null as null. */
    Object evaluate(String expression) {
        return execute("return (" + expression + ");");
    }

    /** Runs a script body ({@code return} for a value), with {@code arguments[i]} bound to the args. */
    Object execute(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A numeric expression as a double, or null when it is null or undefined. */
    Double number(String expression) {
        Object v = evaluate(expression);
        return v == null ? null : ((Number) v).doubleValue();
    }

    /** The text of the element with this id. */
    String text(String id) {
        return (String) execute("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
    }

    /**
     * Polls the condition until it holds, failing with the description and the browser's console after the timeout.
     * A condition that throws (a script error while the page is loading) counts as not yet.
     */
    void waitFor(String description, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (WebDriverException | ClassCastException e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting for: " + description
                        + "\nbrowser console:\n" + consoleLog());
                if (last != null) {
                    error.addSuppressed(last);
                }
                throw error;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * The console since the browser started, one message a line ("time LEVEL message"), including resources that
     * failed to load, with a line "--- open URL" where each page begins.
     */
    String consoleLog() {
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                console.add(Instant.ofEpochMilli(e.getTimestamp()) + " " + e.getLevel() + " " + e.getMessage());
            }
        } catch (WebDriverException e) {
            console.add("(the console could not be read: " + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return String.join("\n", console);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            Appliance.deleteTree(profile);
        }
    }
}
