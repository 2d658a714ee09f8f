package io.aqueduct.cluster.mongo.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * One node's view of the cluster registry in MongoDB: its heartbeat, the nodes of the cluster and whether they are
 * alive, and which node is the origin of each live stream.
 *
 * <p><b>Time.</b> Node clocks may drift, so every time in the registry is MongoDB server time: a heartbeat sets
 * {@code lastHeartbeat} with {@code $currentDate} and reads it back. The server time of this node's latest
 * heartbeat, plus the time elapsed since on the injected monotonic clock, is the registry's "now" for liveness
 * ({@link #serverNow()}); the node's wall clock is never used. A node is alive while its last heartbeat is at most
 * {@code deadAfter} older than that now. There is no TTL index: TTL deletes run once a minute, far too coarse for
 * liveness, and a dead node's document is worth keeping for the console until an operator deletes it.
 *
 * <p><b>One origin per stream.</b> The stream key is the {@code streams} document's {@code _id}, so two nodes
 * registering the same new stream cannot both insert it: the loser gets a duplicate-key error and looks again. An
 * origin whose node is dead is replaced with one conditional update whose filter names the previous origin and its
 * claim {@code epoch}: of two nodes racing to take over, only the first matches.
 *
 * <p>Works against MongoDB and against mongo-java-server (tests, the embedded registry): it needs no transactions,
 * no TTL and no {@code hello}. Thread-safe: the driver's collections are, and the server-time estimate is guarded.
 */
public final class ClusterRegistry {
    static final String NODES = "nodes";
    static final String STREAMS = "streams";
    static final String SETTINGS = "settings";

    /** Claims retried after losing a race before giving up; each loss means another node changed the stream. */
    private static final int CLAIM_ATTEMPTS = 8;
    /** The {@code settings} document of the whole cluster. */
    static final String CLUSTER_SETTINGS = "cluster";
    static final String SECRET = "secret";
    private static final int SECRET_BYTES = 32;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final MongoDatabase database;
    private final MongoCollection<Document> nodes;
    private final MongoCollection<Document> streams;
    private final String nodeId;
    private final LongSupplier nanoClock;

    // The server time of the latest heartbeat and the monotonic time it was read at.
    private Instant heartbeatServerTime;
    private long heartbeatNanos;

    /** A registry for node {@code nodeId} that measures elapsed time with {@link System#nanoTime()}. */
    public ClusterRegistry(MongoDatabase database, String nodeId) {
        this(database, nodeId, System::nanoTime);
    }

    /**
     * @param nanoClock a monotonic clock in nanoseconds, used only to age the server time of the latest heartbeat
     */
    public ClusterRegistry(MongoDatabase database, String nodeId, LongSupplier nanoClock) {
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException("node id is required, got '" + nodeId + "'");
        }
        this.database = Objects.requireNonNull(database, "database");
        this.nodeId = nodeId;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.nodes = database.getCollection(NODES);
        this.streams = database.getCollection(STREAMS);
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Creates the collections and indexes the registry queries by; safe to call on every start and from every
     * node at once (creating an index that exists is a no-op).
     */
    public void ensureIndexes() {
        // Nodes are read by _id or all at once: no index beyond _id (one on lastHeartbeat would cost a write per
        // heartbeat and serve no query). Streams are listed by origin (originsHere, leave).
        streams.createIndex(Indexes.ascending("originNode"));
        // The shared settings' document, created by whichever node comes first. An upsert rather than
        // createCollection: nodes starting together would race, and the loser's "collection exists" error is
        // logged as an ERROR by the embedded registry.
        database.getCollection(SETTINGS).updateOne(Filters.eq("_id", CLUSTER_SETTINGS),
                Updates.setOnInsert("created", new Date()), new UpdateOptions().upsert(true));
    }

    /**
     * The cluster's shared secret (it signs relay tokens): generated by the first node that asks and kept in the
     * cluster's settings document, so every node reads the same one. Call {@link #ensureIndexes()} first.
     */
    public byte[] secret() {
        MongoCollection<Document> settings = database.getCollection(SETTINGS);
        byte[] fresh = new byte[SECRET_BYTES];
        RANDOM.nextBytes(fresh);
        // only where none is set yet: of two nodes forming the cluster at once, the first write wins
        settings.updateOne(Filters.and(Filters.eq("_id", CLUSTER_SETTINGS), Filters.exists(SECRET, false)),
                Updates.set(SECRET, Base64.getEncoder().encodeToString(fresh)));
        Document d = settings.find(Filters.eq("_id", CLUSTER_SETTINGS)).first();
        Object stored = d == null ? null : d.get(SECRET);
        if (!(stored instanceof String text)) {
            throw new IllegalStateException("the registry's settings document '" + CLUSTER_SETTINGS + "' has no "
                    + SECRET + " after it was written");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the registry's " + SECRET + " is not base64: " + e.getMessage());
        }
    }

    /**
     * Writes this node's document and stamps its heartbeat with the server's time.
     *
     * @return the server time of this heartbeat, which becomes the registry's now
     */
    public Instant heartbeat(NodeRecord self) {
        if (!self.id().equals(nodeId)) {
            throw new IllegalArgumentException("heartbeat of node '" + self.id() + "' through the registry of node '"
                    + nodeId + "'");
        }
        Bson update = Updates.combine(
                Updates.set("address", self.address()),
                Updates.set("ports", new Document(new LinkedHashMap<>(self.ports()))),
                Updates.set("role", self.role()),
                Updates.set("group", self.group()),
                Updates.set("version", self.version()),
                Updates.set("started", Date.from(self.started())),
                Updates.set("cpu", self.cpu()),
                Updates.set("memoryUsed", self.memoryUsed()),
                Updates.set("memoryMax", self.memoryMax()),
                Updates.set("streams", self.streams()),
                Updates.set("viewers", self.viewers()),
                Updates.currentDate("lastHeartbeat"));
        Document after = nodes.findOneAndUpdate(Filters.eq("_id", nodeId), update,
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)
                        .projection(Projections.include("lastHeartbeat")));
        Instant serverTime = after.getDate("lastHeartbeat").toInstant();
        long now = nanoClock.getAsLong();
        synchronized (this) {
            heartbeatServerTime = serverTime;
            heartbeatNanos = now;
        }
        return serverTime;
    }

    /**
     * The registry's estimate of the server's current time: the latest heartbeat's server time plus the monotonic
     * time elapsed since it.
     *
     * @throws IllegalStateException before this node's first heartbeat
     */
    public synchronized Instant serverNow() {
        if (heartbeatServerTime == null) {
            throw new IllegalStateException("node " + nodeId + " has not sent a heartbeat yet: the registry learns "
                    + "the server's time from its heartbeat, so call heartbeat() first");
        }
        return heartbeatServerTime.plusNanos(nanoClock.getAsLong() - heartbeatNanos);
    }

    /** Every node in the registry, by id, each with its heartbeat's age and whether it is alive. */
    public List<NodeStatus> nodes(Duration deadAfter) {
        return nodesAt(nodes, serverNow(), deadAfter);
    }

    private static List<NodeStatus> nodesAt(MongoCollection<Document> nodes, Instant now, Duration deadAfter) {
        List<NodeStatus> all = new ArrayList<>();
        for (Document d : nodes.find()) {
            all.add(nodeStatus(d, now, deadAfter));
        }
        all.sort(Comparator.comparing(s -> s.node().id()));
        return all;
    }

    /**
     * Every node, as a reader that is no node of the cluster sees them ({@code bin/aqueduct lb render}): without a
     * heartbeat of its own it takes the server's clock from {@code isMaster}'s {@code localTime}.
     */
    public static List<NodeStatus> readNodes(MongoDatabase database, Duration deadAfter) {
        Document hello = database.runCommand(new Document("isMaster", 1));
        Instant now = hello.get("localTime") instanceof Date d ? d.toInstant() : Instant.now();
        return nodesAt(database.getCollection(NODES), now, deadAfter);
    }

    /**
     * Removes a dead node's document (an operator clearing a node that will not come back). The delete is
     * conditional on the heartbeat being old, so a node that heartbeats meanwhile stays.
     *
     * @return false if there was no such node
     * @throws IllegalStateException if the node is alive
     */
    public boolean deleteNode(String id, Duration deadAfter) {
        Instant now = serverNow();
        Date deadBefore = Date.from(now.minus(deadAfter));
        if (nodes.deleteOne(Filters.and(Filters.eq("_id", id), Filters.lt("lastHeartbeat", deadBefore)))
                .getDeletedCount() == 1) {
            return true;
        }
        Document d = nodes.find(Filters.eq("_id", id)).first();
        if (d == null) {
            return false;
        }
        NodeStatus status = nodeStatus(d, now, deadAfter);
        throw new IllegalStateException("node " + id + " is alive (last heartbeat " + status.age().toMillis()
                + " ms ago): only a node whose heartbeat is older than " + deadAfter.toMillis()
                + " ms can be deleted");
    }

    /**
     * Makes this node the origin of a stream, unless another node that is alive already is.
     *
     * @param key the stream key, {@code app/name}
     * @param address the address edges pull the stream from
     * @param deadAfter how old a heartbeat makes the current origin dead, so that its stream may be taken over
     */
    public OriginClaim claimOrigin(String key, String address, Duration deadAfter) {
        requireKey(key);
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            Instant now = serverNow();
            Document current = streams.find(Filters.eq("_id", key)).first();
            if (current == null) {
                Document claim = new Document("_id", key).append("originNode", nodeId)
                        .append("originAddress", address).append("claimed", Date.from(now)).append("epoch", 1L);
                try {
                    streams.insertOne(claim);
                    return new OriginClaim(OriginClaim.Outcome.CLAIMED, origin(claim, true));
                } catch (MongoWriteException e) {
                    if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                    continue; // another node registered it first: look at its claim
                }
            }
            String owner = current.getString("originNode"); // null in a damaged document: no live owner
            long epoch = epoch(current);
            if (nodeId.equals(owner)) {
                // A repeated claim; the address may have changed (a new relay port). Conditional on still owning
                // the stream: a node that thought this one dead may have just taken it.
                UpdateResult r = streams.updateOne(ownedBy(key, nodeId, epoch),
                        Updates.set("originAddress", address));
                if (r.getMatchedCount() == 1) {
                    current.put("originAddress", address);
                    return new OriginClaim(OriginClaim.Outcome.ALREADY_ORIGIN, origin(current, true));
                }
                continue;
            }
            if (isAlive(owner, now, deadAfter)) {
                return new OriginClaim(OriginClaim.Outcome.REFUSED, origin(current, true));
            }
            Date claimed = Date.from(now);
            UpdateResult r = streams.updateOne(ownedBy(key, owner, epoch), Updates.combine(
                    Updates.set("originNode", nodeId),
                    Updates.set("originAddress", address),
                    Updates.set("claimed", claimed),
                    Updates.set("previousOrigin", owner),
                    Updates.set("epoch", epoch + 1)));
            if (r.getModifiedCount() == 1) {
                Document mine = new Document("_id", key).append("originNode", nodeId)
                        .append("originAddress", address).append("claimed", claimed);
                return new OriginClaim(OriginClaim.Outcome.TAKEN_OVER, origin(mine, true));
            }
            // Another node took it over (or the dead origin released it) between the read and the update.
        }
        throw new IllegalStateException("stream " + key + ": the origin claim lost " + CLAIM_ATTEMPTS
                + " races in a row with other nodes; try the publish again");
    }

    /**
     * The filter that matches the stream only while {@code owner}'s claim {@code epoch} still holds (a null owner
     * matches a document without one).
     */
    private static Bson ownedBy(String key, String owner, long epoch) {
        // epoch 0 is how a document without one reads (damaged, or written by hand): match that too
        Bson sameEpoch = epoch == 0 ? Filters.or(Filters.eq("epoch", 0L), Filters.eq("epoch", null))
                : Filters.eq("epoch", epoch);
        return Filters.and(Filters.eq("_id", key), Filters.eq("originNode", owner), sameEpoch);
    }

    /**
     * Removes the stream if this node is still its origin (the publisher stopped).
     *
     * @return whether it was removed; false if another node has taken the stream over or it is gone
     */
    public boolean releaseOrigin(String key) {
        requireKey(key);
        return streams.deleteOne(Filters.and(Filters.eq("_id", key), Filters.eq("originNode", nodeId)))
                .getDeletedCount() == 1;
    }

    /**
     * Takes this node out of the registry when it leaves the cluster on purpose (a switch to standalone, a
     * shutdown): its streams are released, so other origins may take them at once, and its document is removed.
     *
     * @return how many streams were released
     */
    public long leave() {
        long released = streams.deleteMany(Filters.eq("originNode", nodeId)).getDeletedCount();
        nodes.deleteOne(Filters.eq("_id", nodeId));
        return released;
    }

    /** The keys of the streams whose registered origin is this node (what the registry says, whatever the node thinks). */
    public Set<String> originsHere() {
        Set<String> keys = new HashSet<>();
        for (Document d : streams.find(Filters.eq("originNode", nodeId)).projection(Projections.include("_id"))) {
            keys.add(d.getString("_id"));
        }
        return keys;
    }

    /** The stream's origin, if the stream is registered and its origin is alive. */
    public Optional<StreamOrigin> lookup(String key, Duration deadAfter) {
        requireKey(key);
        Instant now = serverNow();
        Document d = streams.find(Filters.eq("_id", key)).first();
        if (d == null || !isAlive(d.getString("originNode"), now, deadAfter)) {
            return Optional.empty();
        }
        return Optional.of(origin(d, true));
    }

    /** Every registered stream, by key, with its origin and whether that origin is alive. */
    public List<StreamOrigin> streams(Duration deadAfter) {
        Instant now = serverNow();
        Map<String, Boolean> alive = new HashMap<>();
        for (Document d : nodes.find().projection(Projections.include("lastHeartbeat"))) {
            alive.put(d.getString("_id"), isRecent(d.getDate("lastHeartbeat"), now, deadAfter));
        }
        List<StreamOrigin> all = new ArrayList<>();
        for (Document d : streams.find()) {
            all.add(origin(d, alive.getOrDefault(d.getString("originNode"), false)));
        }
        all.sort(Comparator.comparing(StreamOrigin::key));
        return all;
    }

    private boolean isAlive(String id, Instant now, Duration deadAfter) {
        Document d = nodes.find(Filters.eq("_id", id)).projection(Projections.include("lastHeartbeat")).first();
        return d != null && isRecent(d.getDate("lastHeartbeat"), now, deadAfter);
    }

    private static boolean isRecent(Date heartbeat, Instant now, Duration deadAfter) {
        return heartbeat != null && age(heartbeat.toInstant(), now).compareTo(deadAfter) <= 0;
    }

    /** Zero for a heartbeat that looks newer than now (the estimate lags the server by up to a round trip). */
    private static Duration age(Instant heartbeat, Instant now) {
        Duration age = Duration.between(heartbeat, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static long epoch(Document stream) {
        Number n = stream.get("epoch", Number.class);
        return n == null ? 0 : n.longValue();
    }

    private static void requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("stream key is required (app/name), got '" + key + "'");
        }
    }

    // Documents are read leniently: a field that is missing or of another type (an operator's edit, an older
    // version) shows as unknown instead of breaking the whole listing.

    private static StreamOrigin origin(Document d, boolean alive) {
        return new StreamOrigin(String.valueOf(d.get("_id")), text(d, "originNode", ""),
                text(d, "originAddress", ""), instant(d, "claimed", null), alive);
    }

    private static NodeStatus nodeStatus(Document d, Instant now, Duration deadAfter) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (d.get("ports") instanceof Document p) {
            p.forEach((name, port) -> {
                if (port instanceof Number n) {
                    ports.put(name, n.intValue());
                }
            });
        }
        NodeRecord node = new NodeRecord(String.valueOf(d.get("_id")), text(d, "address", "unknown"), ports,
                text(d, "role", "unknown"), text(d, "group", ""), text(d, "version", ""),
                instant(d, "started", Instant.EPOCH), number(d, "cpu").doubleValue(),
                number(d, "memoryUsed").longValue(), number(d, "memoryMax").longValue(),
                number(d, "streams").intValue(), number(d, "viewers").intValue());
        Instant heartbeat = instant(d, "lastHeartbeat", Instant.EPOCH);
        return new NodeStatus(node, heartbeat, age(heartbeat, now),
                isRecent(d.get("lastHeartbeat") instanceof Date date ? date : null, now, deadAfter));
    }

    private static String text(Document d, String field, String fallback) {
        return d.get(field) instanceof String s && !s.isBlank() ? s : fallback;
    }

    private static Instant instant(Document d, String field, Instant fallback) {
        return d.get(field) instanceof Date date ? date.toInstant() : fallback;
    }

    private static Number number(Document d, String field) {
        return d.get(field) instanceof Number n ? n : 0;
    }
}
