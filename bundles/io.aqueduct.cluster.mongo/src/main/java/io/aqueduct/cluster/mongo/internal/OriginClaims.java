package io.aqueduct.cluster.mongo.internal;

import com.mongodb.MongoException;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.StreamHub;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's claims as the origin of streams: the claim a publish asks for before it starts (admission), and the
 * reconciliation that brings the registry in line with the hub after every heartbeat and stream event.
 *
 * <p><b>Admission grace.</b> A claim granted to a publish is kept for {@link #ADMISSION_GRACE} even though the
 * stream has not reached the hub yet (the publisher is still starting), so a reconciliation meanwhile does not
 * release it. While the registry is away, a publish is admitted without a claim (fail open) and claimed when the
 * registry answers; one try is made per timeout period, so a registry that is back is used at once and a dead one
 * does not hold every publisher for the timeout.
 *
 * <p>Runs on the registry thread; the claims and conflicts it found are read by any thread.
 */
final class OriginClaims {
    /** A claim granted to a publish that has not reached the hub yet is kept this long. */
    static final Duration ADMISSION_GRACE = Duration.ofSeconds(15);
    /** How often the registry's list of this node's claims is read back (see reconcile). */
    static final long REGISTRY_CHECK_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final Supplier<NodeIdentity> node;
    private final StreamHub hub;
    private final Ticker ticker;
    private final RegistryOutage outage;
    private final Heartbeat heartbeat;

    /** The streams the registry named this node the origin of, after the latest reconciliation. */
    private volatile Set<String> registeredHere = Set.of();
    /** Claims granted to publishes, by key, with when: not released before the stream reaches the hub. */
    private final Map<String, Long> admitted = new ConcurrentHashMap<>();
    /** Streams live here that the registry gives to another node (or could not register), with the reason. */
    private final Map<String, String> conflicts = new ConcurrentHashMap<>();

    // Registry thread only.
    private long ticksToRegistryCheck;
    private NodeRole checkedRole;
    private long failedCallsAtCheck;

    OriginClaims(Supplier<NodeIdentity> node, StreamHub hub, Ticker ticker, RegistryOutage outage,
            Heartbeat heartbeat) {
        this.node = node;
        this.hub = hub;
        this.ticker = ticker;
        this.outage = outage;
        this.heartbeat = heartbeat;
    }

    /**
     * On the registry thread: null to admit a publish of {@code key}, else who holds the stream.
     *
     * @param c the registry; null when there is no usable registry configuration (reported in /health)
     */
    String admit(RegistryClient c, String key) {
        if (c == null) {
            return null;
        }
        if (outage.failedWithin(c.settings().timeout())) {
            admittedUnchecked(key);
            return null;
        }
        try {
            if (!heartbeat.hasBeaten()) {
                heartbeat.beat(c); // the registry learns the server's time from a heartbeat
            }
            OriginClaim claim = c.registry().claimOrigin(key, node.get().address(), c.settings().deadAfter());
            outage.answered(c.target());
            if (!claim.granted()) {
                LOG.info("Publish refused: {}", claim.describe());
                return claim.describe();
            }
            admitted.put(key, ticker.nanoTime());
            conflicts.remove(key);
            if (claim.outcome() != OriginClaim.Outcome.ALREADY_ORIGIN) {
                LOG.info("Registry: {}", claim.describe());
            }
            return null;
        } catch (MongoException e) {
            outage.failed(c.describe(e));
            admittedUnchecked(key);
            return null;
        }
    }

    private void admittedUnchecked(String key) {
        LOG.warn("Publish of {} admitted without a registry check ({}); it is registered when the registry "
                + "answers", key, outage.reason());
    }

    /** On the registry thread: an admitted publish reached the hub, so its claim needs no grace any more. */
    void started(String key) {
        admitted.remove(key);
    }

    /** On the registry thread: a stream came or went; brings the registry in line now if it answers. */
    void reconcileNow(RegistryClient c) {
        if (c == null || outage.isDown() || !heartbeat.hasBeaten()) {
            return;
        }
        try {
            reconcile(c);
        } catch (MongoException e) {
            outage.failed(c.describe(e));
        }
    }

    /**
     * Brings the registry in line with the hub, the registry being the truth about claims: every stream live here
     * (on an origin) that the registry does not give to this node is claimed, and every stream the registry gives
     * to this node that is not live here (nor admitted a moment ago) is released. So a release that failed, a
     * registry that lost its data, claims left from before a restart or a role change, and a takeover while this
     * node looked dead are all found within a heartbeat.
     */
    void reconcile(RegistryClient c) {
        NodeRole role = node.get().role();
        Set<String> live = role == NodeRole.ORIGIN
                ? hub.streams().stream().map(s -> s.key().toString()).collect(Collectors.toSet())
                : Set.of(); // edges and balancers are origin of nothing
        // Listing this node's claims is a query by originNode: indexed on MongoDB, a scan of every stream on the
        // embedded registry (bench/RESULTS.md). So it runs every REGISTRY_CHECK_MILLIS, after the registry was
        // away (it may have lost or changed data meanwhile) and on a role change; between, this node's own record
        // of its claims stands in.
        Set<String> registered;
        if (--ticksToRegistryCheck <= 0 || role != checkedRole || outage.failedCalls() != failedCallsAtCheck) {
            registered = c.registry().originsHere();
            ticksToRegistryCheck = Math.max(1, REGISTRY_CHECK_MILLIS / c.settings().heartbeatPeriod().toMillis());
            checkedRole = role;
            failedCallsAtCheck = outage.failedCalls();
        } else {
            registered = new HashSet<>(registeredHere);
        }
        long now = ticker.nanoTime();
        admitted.values().removeIf(at -> now - at > ADMISSION_GRACE.toNanos());
        for (String key : live) {
            if (!registered.contains(key) && claim(c, key)) {
                registered.add(key);
            }
        }
        for (String key : Set.copyOf(registered)) {
            if (!live.contains(key) && !admitted.containsKey(key)) {
                if (c.registry().releaseOrigin(key)) {
                    LOG.info("Registry: stream {} released", key);
                }
                registered.remove(key);
            }
        }
        conflicts.keySet().retainAll(live);
        registeredHere = Set.copyOf(registered);
    }

    /** Claims a live stream; false (and a conflict reported) when the registry gives it to another node. */
    private boolean claim(RegistryClient c, String key) {
        OriginClaim claim;
        try {
            claim = c.registry().claimOrigin(key, node.get().address(), c.settings().deadAfter());
        } catch (MongoException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = "stream " + key + " could not be registered: " + e;
            if (conflicts.put(key, why) == null) {
                LOG.error("Registry: {}", why);
            }
            return false;
        }
        if (claim.granted()) {
            LOG.info("Registry: {}", claim.describe());
            conflicts.remove(key);
            return true;
        }
        String why = claim.describe() + "; it is live here too (published while this node was cut off from the "
                + "registry, or looked dead to it): stop one of the two publishers";
        if (conflicts.put(key, why) == null) {
            LOG.error("Registry conflict: {}", why);
        }
        return false;
    }

    /** Forgets every claim: this node leaves the registry, or moves to another. */
    void clear() {
        admitted.clear();
        conflicts.clear();
        registeredHere = Set.of();
        ticksToRegistryCheck = 0;
    }

    /** The streams the registry gave to this node at the latest reconciliation. */
    Set<String> registeredHere() {
        return registeredHere;
    }

    /** Why streams live here are not registered as this node's, one sentence each. */
    Collection<String> conflicts() {
        return conflicts.values();
    }
}
