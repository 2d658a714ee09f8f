package io.aqueduct.itests.container;

import static org.junit.Assert.fail;

import io.aqueduct.itests.container.host.ApplianceOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * What every in-container test shares: the appliance's bundles booted once per test class, and waiting with a
 * deadline. Its methods name no API type, so a test class built on it alone still runs when the API bundle
 * does not resolve (JUnit loads every type in the signatures of a test class and its superclasses).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class ContainerTestSupport {

    /** How long anything asynchronous (SCR, ConfigAdmin, the role manager) may take before a test fails. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 25;

    @Configuration
    public Option[] appliance() {
        return ApplianceOptions.appliance();
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        // Host-only code stays out of the probe bundle.
        probe.ignorePackageOf(ApplianceOptions.class);
        // Wire the API and ConfigAdmin to the shipped bundles. Optional, so that the probe still starts when
        // one of them does not resolve, and ApplianceBootIT can say which bundle and why.
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                "io.aqueduct.api.health;resolution:=optional",
                "io.aqueduct.api.node;resolution:=optional",
                "io.aqueduct.api.stream;resolution:=optional",
                "org.osgi.service.cm;resolution:=optional"));
        return probe;
    }

    protected BundleContext context() {
        return FrameworkUtil.getBundle(getClass()).getBundleContext();
    }

    // ---- waiting ----------------------------------------------------------------------------------------

    /**
     * Polls {@code probe} until {@code done} holds, and returns that value; fails after the deadline with
     * "expected {@code expectation}" and the last value seen.
     */
    protected static <T> T await(String expectation, Supplier<T> probe, Predicate<? super T> done) {
        T last = poll(probe, done);
        if (!done.test(last)) {
            fail("expected " + expectation + " within " + DEADLINE.toSeconds() + " s; last seen: " + last);
        }
        return last;
    }

    /** Polls {@code probe} until {@code done} holds or the deadline passes; returns the last value seen. */
    protected static <T> T poll(Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            T last = probe.get();
            if (done.test(last) || System.nanoTime() - deadline > 0) {
                return last;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while polling", e);
            }
        }
    }

    protected <S> S awaitService(Class<S> type) {
        return await("a " + type.getName() + " service", () -> {
            ServiceReference<S> ref = context().getServiceReference(type);
            return ref == null ? null : context().getService(ref);
        }, Objects::nonNull);
    }

    /** A bundle state as a word, for messages. */
    protected static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
