package io.aqueduct.bench.registryload;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import io.aqueduct.cluster.mongo.MongoTarget;
import io.aqueduct.cluster.mongo.internal.ClusterRegistry;
import io.aqueduct.cluster.mongo.internal.NodeStatus;
import io.aqueduct.cluster.mongo.internal.OriginClaim;
import io.aqueduct.cluster.mongo.internal.StreamOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;

/**
 * The cluster registry under the load of a large cluster: many simulated nodes heartbeating through
 * {@link ClusterRegistry#heartbeat} at a fixed period while other threads look up the origins of random streams
 * ({@link ClusterRegistry#lookup}), against a registry server in another process.
 *
 * <p>Phases: connect (one MongoDB client per node by default, as real nodes have), register every node with one
 * heartbeat, populate the streams (each claimed by one node through {@link ClusterRegistry#claimOrigin}, or bulk
 * inserted with the same document shape), a few one-off probes on the idle server, then the load: warm-up, then a
 * measured window. Human lines, plus one {@code RESULT ...} line of key=value pairs for scripts.
 */
public final class RegistryLoad {

    private static final String USAGE = """
            usage: java -jar registry-load.jar --uri mongodb://127.0.0.1:27017 [options]
              --label NAME            name in the output (default: the URI)
              --nodes N               simulated nodes (default 1000)
              --streams N             streams in the registry, claimed round-robin by the nodes (default 100000)
              --clients N             MongoDB clients the nodes are spread over (default: one per node)
              --period-ms MS          heartbeat period of every node (default 1000)
              --dead-after-ms MS      a node whose heartbeat is older is dead (default 5000)
              --warmup S              load before the measured window (default 5)
              --window S              measured window (default 30)
              --heartbeat-threads N   threads the nodes' heartbeats run on (default 64)
              --lookup-threads N      threads doing origin lookups of random streams (default 4)
              --lookup-rate R         lookups per second over all lookup threads; 0 = as fast as they go (default 0)
              --watch-ms MS           list every node (ClusterRegistry.nodes, what a console or balancer polls)
                                      this often and count the dead ones; 0 = off (default 1000)
              --populate claim|bulk   claimOrigin per stream, or insertMany of the same documents (default claim)
              --populate-threads N    (default 8)
              --probes true|false     one-off timings on the idle server after populating (default true)
              --server-pid PID        report this process's CPU and RSS
              --data-file PATH        report this file's size (the embedded registry's H2 file)
              --progress-s S          a line of rates, RSS and file size this often during the window; 0 = off
                                      (default 10)
              --max-seconds S         hard limit for the whole run (default 900)
            """;

    private final Map<String, String> opts;
    private final String label;
    private final String uri;
    private final String serverPid;
    private final Path dataFile;
    private final int nodeCount;
    private final int streamCount;
    private final Duration deadAfter;
    private final long periodNanos;
    private final List<MongoClient> clients = new ArrayList<>();
    private final List<SimulatedNode> nodes = new ArrayList<>();
    private double populateSeconds;
    private String probeLine = "";

    private RegistryLoad(Map<String, String> opts) {
        this.opts = opts;
        this.uri = opts.get("uri");
        this.label = opts.getOrDefault("label", uri);
        this.serverPid = opts.get("server-pid");
        this.dataFile = opts.containsKey("data-file") ? Path.of(opts.get("data-file")) : null;
        this.nodeCount = intOpt("nodes", 1000);
        this.streamCount = intOpt("streams", 100_000);
        this.deadAfter = Duration.ofMillis(intOpt("dead-after-ms", 5000));
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(intOpt("period-ms", 1000));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                return;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                fatal("unexpected argument " + a + " (every option takes a value)\n" + USAGE);
            }
            opts.put(a.substring(2), args[++i]);
        }
        if (!opts.containsKey("uri")) {
            fatal(USAGE);
        }
        long maxSeconds = Long.parseLong(opts.getOrDefault("max-seconds", "900"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
                System.out.println("ABORT the run passed --max-seconds " + maxSeconds);
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // the run ended in time
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        RegistryLoad load = new RegistryLoad(opts);
        int status;
        try {
            status = load.run();
        } finally {
            load.clients.forEach(MongoClient::close);
        }
        System.exit(status);
    }

    private int run() throws Exception {
        int clientCount = intOpt("clients", nodeCount);
        System.out.printf(Locale.ROOT, "registry-load %s: %s, server pid %s, %d nodes on %d clients, %d streams, "
                + "heartbeat every %d ms, dead after %d ms%n", label, uri, serverPid, nodeCount, clientCount,
                streamCount, TimeUnit.NANOSECONDS.toMillis(periodNanos), deadAfter.toMillis());
        ProcStat idle = serverStat();
        System.out.printf("server idle: RSS %s MB%n", idle == null ? "?" : mb(idle.rssBytes()));

        long t = System.nanoTime();
        for (int i = 0; i < clientCount; i++) {
            clients.add(MongoClients.create(MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(uri))
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                    .applyToSocketSettings(s -> s.connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS))
                    .build()));
        }
        for (int i = 0; i < nodeCount; i++) {
            MongoDatabase db = clients.get(i % clientCount).getDatabase(MongoTarget.DEFAULT_DATABASE);
            nodes.add(new SimulatedNode(i, new ClusterRegistry(db, SimulatedNode.id(i))));
        }
        nodes.get(0).registry.ensureIndexes();
        double connectS = seconds(t);
        t = System.nanoTime();
        parallel(intOpt("populate-threads", 8), nodeCount, i -> nodes.get(i).registry.heartbeat(nodes.get(i).record()));
        System.out.printf(Locale.ROOT, "connect: %d clients in %.1f s; register: %d first heartbeats in %.1f s%n",
                clientCount, connectS, nodeCount, seconds(t));

        populate();
        if (Boolean.parseBoolean(opts.getOrDefault("probes", "true"))) {
            probes();
        }
        return load();
    }

    // ---- populate -----------------------------------------------------------------------------------------------

    private static String key(int i) {
        return String.format("live/stream-%06d", i);
    }

    private void populate() throws Exception {
        String mode = opts.getOrDefault("populate", "claim");
        int threads = intOpt("populate-threads", 8);
        long t = System.nanoTime();
        AtomicInteger notClaimed = new AtomicInteger();
        if (mode.equals("claim")) {
            parallel(threads, streamCount, i -> {
                SimulatedNode n = nodes.get(i % nodeCount);
                OriginClaim c = n.registry.claimOrigin(key(i), n.address + ":5000", deadAfter);
                if (c.outcome() != OriginClaim.Outcome.CLAIMED) {
                    notClaimed.incrementAndGet();
                }
            });
        } else if (mode.equals("bulk")) {
            // the document claimOrigin inserts for a new stream
            int batch = 1000;
            parallel(threads, (streamCount + batch - 1) / batch, b -> {
                List<Document> docs = new ArrayList<>();
                for (int i = b * batch; i < Math.min(streamCount, (b + 1) * batch); i++) {
                    SimulatedNode n = nodes.get(i % nodeCount);
                    docs.add(new Document("_id", key(i)).append("originNode", n.id)
                            .append("originAddress", n.address + ":5000")
                            .append("claimed", Date.from(n.registry.serverNow())).append("epoch", 1L));
                }
                streamsOf(b).insertMany(docs, new InsertManyOptions().ordered(false));
            });
        } else {
            fatal("--populate is claim or bulk, got " + mode);
        }
        double s = seconds(t);
        long count = streamsOf(0).countDocuments();
        ProcStat st = serverStat();
        System.out.printf(Locale.ROOT, "populate (%s, %d threads): %d streams in %.1f s (%.0f/s); %d in the registry"
                + "%s; server RSS %s MB%s%n", mode, threads, streamCount, s, streamCount / s, count,
                notClaimed.get() > 0 ? ", " + notClaimed.get() + " claims not CLAIMED" : "",
                st == null ? "?" : mb(st.rssBytes()), dataFile == null ? "" : ", data file " + fileMb() + " MB");
        populateSeconds = s;
    }


    private MongoCollection<Document> streamsOf(int i) {
        return clients.get(i % clients.size()).getDatabase(MongoTarget.DEFAULT_DATABASE).getCollection("streams");
    }

    // ---- probes -------------------------------------------------------------------------------------------------

    /** One-off timings on the idle server: by _id (the unique index) against by an indexed field, and listings. */
    private void probes() {
        MongoCollection<Document> streams = streamsOf(0);
        long[] byId = new long[200];
        for (int i = 0; i < byId.length; i++) {
            String k = key(ThreadLocalRandom.current().nextInt(streamCount));
            long t = System.nanoTime();
            Document d = streams.find(Filters.eq("_id", k)).first();
            byId[i] = System.nanoTime() - t;
            if (d == null) {
                System.out.println("probe: stream " + k + " missing");
            }
        }
        Arrays.sort(byId);
        long[] byOrigin = new long[5];
        int found = 0;
        for (int i = 0; i < byOrigin.length; i++) {
            String node = SimulatedNode.id(ThreadLocalRandom.current().nextInt(nodeCount));
            long t = System.nanoTime();
            found = 0;
            for (Document ignored : streams.find(Filters.eq("originNode", node))) {
                found++;
            }
            byOrigin[i] = System.nanoTime() - t;
        }
        Arrays.sort(byOrigin);
        List<String> indexes = new ArrayList<>();
        for (Document ix : streams.listIndexes()) {
            indexes.add(ix.getString("name"));
        }
        System.out.printf("probe: streams by _id p50 %s ms p99 %s ms (200 finds); by originNode (ensureIndexes "
                + "created index %s) p50 %s ms for %d documents (5 finds)%n", Latencies.ms(Latencies.percentile(
                        byId, 50)), Latencies.ms(Latencies.percentile(byId, 99)), indexes,
                Latencies.ms(Latencies.percentile(byOrigin, 50)), found);
        ClusterRegistry r = nodes.get(0).registry;
        r.heartbeat(nodes.get(0).record());
        long t = System.nanoTime();
        List<NodeStatus> all = r.nodes(deadAfter);
        long nodesNanos = System.nanoTime() - t;
        t = System.nanoTime();
        List<StreamOrigin> origins = r.streams(deadAfter);
        long streamsNanos = System.nanoTime() - t;
        System.out.printf("probe: nodes() listed %d nodes in %s ms; streams() listed %d streams in %s ms%n",
                all.size(), Latencies.ms(nodesNanos), origins.size(), Latencies.ms(streamsNanos));
        probeLine = String.format(Locale.ROOT, "probe_id_p50_ms=%s probe_origin_node_p50_ms=%s nodes_list_ms=%s "
                + "streams_list_ms=%s", Latencies.ms(Latencies.percentile(byId, 50)),
                Latencies.ms(Latencies.percentile(byOrigin, 50)), Latencies.ms(nodesNanos), Latencies.ms(streamsNanos));
    }


    // ---- load ---------------------------------------------------------------------------------------------------

    private int load() throws Exception {
        int hbThreads = intOpt("heartbeat-threads", 64);
        int lookupThreads = intOpt("lookup-threads", 4);
        double lookupRate = doubleOpt("lookup-rate", 0);
        long watchMs = intOpt("watch-ms", 1000);
        double warmupS = doubleOpt("warmup", 5);
        double windowS = doubleOpt("window", 30);
        System.out.printf(Locale.ROOT, "load: warm-up %.0f s, window %.0f s; %d heartbeat threads; %d lookup threads "
                + "(%s); watcher %s%n", warmupS, windowS, hbThreads, lookupThreads,
                lookupRate > 0 ? lookupRate + "/s" : "as fast as they go",
                watchMs > 0 ? "every " + watchMs + " ms" : "off");

        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long windowStart = t0 + (long) (warmupS * 1e9);
        long windowEnd = windowStart + (long) (windowS * 1e9);
        AtomicReference<String> firstError = new AtomicReference<>();

        // Heartbeats: each node at a fixed rate from a random phase; a heartbeat that falls due while the node's
        // previous one is still running starts right after it, and one overdue by more than a period is dropped.
        Latencies hbLatency = new Latencies();
        Latencies hbLate = new Latencies();
        AtomicLong hbInWindow = new AtomicLong();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(hbThreads);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        for (SimulatedNode n : nodes) {
            n.due = t0 + ThreadLocalRandom.current().nextLong(periodNanos);
            n.lastServerTime = null;
            pool.schedule(new Runnable() {
                @Override
                public void run() {
                    long start = System.nanoTime();
                    if (start >= windowEnd) {
                        return;
                    }
                    try {
                        Instant server = n.registry.heartbeat(n.record());
                        long end = System.nanoTime();
                        if (n.lastServerTime != null) {
                            n.maxGapMillis = Math.max(n.maxGapMillis, server.toEpochMilli()
                                    - n.lastServerTime.toEpochMilli());
                        }
                        n.lastServerTime = server;
                        n.lastReturnNanos = end;
                        if (end >= windowStart && end < windowEnd) {
                            hbInWindow.incrementAndGet();
                            hbLatency.add(end - start);
                            hbLate.add(Math.max(0, start - n.due));
                        }
                    } catch (RuntimeException e) {
                        n.failed++;
                        firstError.compareAndSet(null, "heartbeat of " + n.id + ": " + e);
                    }
                    long now = System.nanoTime();
                    long next = n.due + periodNanos;
                    if (now - next > periodNanos) {
                        long drop = (now - next) / periodNanos;
                        n.missed += (int) drop;
                        next += drop * periodNanos;
                    }
                    n.due = next;
                    pool.schedule(this, Math.max(0, next - now), TimeUnit.NANOSECONDS);
                }
            }, n.due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        // Lookups of random streams through the nodes' own registries (serverNow comes from their heartbeats).
        List<Latencies> lookupLogs = new ArrayList<>();
        AtomicLong lookupEmpty = new AtomicLong();
        AtomicLong lookupFailed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int j = 0; j < lookupThreads; j++) {
            Latencies log = new Latencies();
            lookupLogs.add(log);
            ClusterRegistry r = nodes.get(j % nodeCount).registry;
            long pace = lookupRate > 0 ? (long) (1e9 * lookupThreads / lookupRate) : 0;
            Thread th = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long next = t0 + random.nextLong(Math.max(1, pace));
                sleepUntil(t0);
                while (true) {
                    if (pace > 0) {
                        sleepUntil(next);
                        next += pace;
                    }
                    long start = System.nanoTime();
                    if (start >= windowEnd) {
                        return;
                    }
                    try {
                        Optional<StreamOrigin> o = r.lookup(key(random.nextInt(streamCount)), deadAfter);
                        long end = System.nanoTime();
                        if (start >= windowStart) {
                            log.add(end - start);
                            if (o.isEmpty()) {
                                lookupEmpty.incrementAndGet();
                            }
                        }
                    } catch (RuntimeException e) {
                        if (start >= windowStart) {
                            lookupFailed.incrementAndGet();
                        }
                        firstError.compareAndSet(null, "lookup: " + e);
                    }
                }
            }, "lookup-" + j);
            threads.add(th);
        }

        // The watcher: what a console or a balancer sees when it lists the nodes.
        Latencies watchLatency = new Latencies();
        AtomicInteger maxDeadSeen = new AtomicInteger();
        if (watchMs > 0) {
            ClusterRegistry r = nodes.get(0).registry;
            threads.add(new Thread(() -> {
                long next = windowStart;
                while (true) {
                    sleepUntil(next);
                    long start = System.nanoTime();
                    if (start >= windowEnd) {
                        return;
                    }
                    try {
                        List<NodeStatus> all = r.nodes(deadAfter);
                        watchLatency.add(System.nanoTime() - start);
                        int dead = (int) all.stream().filter(s -> !s.alive()).count();
                        maxDeadSeen.accumulateAndGet(dead, Math::max);
                    } catch (RuntimeException e) {
                        firstError.compareAndSet(null, "nodes(): " + e);
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(watchMs);
                }
            }, "watcher"));
        }
        threads.forEach(Thread::start);

        sleepUntil(windowStart);
        ProcStat s0 = serverStat();
        ProcStat self0 = ProcStat.of("self");
        double[] machine0 = ProcStat.machineBusySeconds();
        long file0 = fileBytes();
        long progressNanos = TimeUnit.SECONDS.toNanos(intOpt("progress-s", 10));
        if (progressNanos > 0) {
            // a line every few seconds: whether the rate holds over the window, and how the data file grows
            long at = windowStart;
            long beats = hbInWindow.get();
            long lookups = lookupCount(lookupLogs);
            while (at + progressNanos < windowEnd) {
                sleepUntil(at + progressNanos);
                long b = hbInWindow.get();
                long l = lookupCount(lookupLogs);
                ProcStat st = serverStat();
                System.out.printf(Locale.ROOT, "  at %3.0f s: %.0f heartbeats/s, %.0f lookups/s, server RSS %s MB%s%n",
                        (System.nanoTime() - windowStart) / 1e9, (b - beats) / (progressNanos / 1e9),
                        (l - lookups) / (progressNanos / 1e9), st == null ? "?" : mb(st.rssBytes()),
                        dataFile == null ? "" : ", data file " + fileMb() + " MB");
                beats = b;
                lookups = l;
                at += progressNanos;
            }
        }
        sleepUntil(windowEnd);
        ProcStat s1 = serverStat();
        ProcStat self1 = ProcStat.of("self");
        double[] machine1 = ProcStat.machineBusySeconds();
        long file1 = fileBytes();
        long end = System.nanoTime();
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(60));
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);

        double windowSeconds = (windowEnd - windowStart) / 1e9;
        double offered = nodeCount * 1e9 / periodNanos;
        double achieved = hbInWindow.get() / windowSeconds;
        long[] hbL = Latencies.sorted(List.of(hbLatency));
        long[] hbD = Latencies.sorted(List.of(hbLate));
        long maxGap = 0;
        int gapOver2 = 0;
        int gapOverDead = 0;
        int staleAtEnd = 0;
        int missed = 0;
        int failed = 0;
        long periodMs = TimeUnit.NANOSECONDS.toMillis(periodNanos);
        for (SimulatedNode n : nodes) {
            // a node whose heartbeats stopped getting through counts up to the end of the window
            long stale = n.lastReturnNanos == 0 ? TimeUnit.NANOSECONDS.toMillis(end - t0)
                    : TimeUnit.NANOSECONDS.toMillis(windowEnd - n.lastReturnNanos);
            if (stale > deadAfter.toMillis()) {
                staleAtEnd++;
            }
            long gap = Math.max(n.maxGapMillis, stale);
            maxGap = Math.max(maxGap, gap);
            if (gap > 2 * periodMs) {
                gapOver2++;
            }
            if (gap > deadAfter.toMillis()) {
                gapOverDead++;
            }
            missed += n.missed;
            failed += n.failed;
        }
        long[] lk = Latencies.sorted(lookupLogs);
        double lookupsPerS = lk.length / windowSeconds;
        long[] wl = Latencies.sorted(List.of(watchLatency));
        boolean sustained = achieved >= 0.99 * offered && gapOverDead == 0 && failed == 0;

        System.out.printf(Locale.ROOT, "heartbeats: %d in %.1f s = %.1f/s of %.1f/s offered; latency p50 %s ms p99 %s "
                + "ms max %s ms; started late by p50 %s ms p99 %s ms max %s ms; dropped (over a period overdue) %d, "
                + "failed %d%n", hbInWindow.get(), windowSeconds, achieved, offered, Latencies.ms(Latencies.percentile(
                        hbL, 50)), Latencies.ms(Latencies.percentile(hbL, 99)), Latencies.ms(Latencies.percentile(hbL,
                                100)), Latencies.ms(Latencies.percentile(hbD, 50)), Latencies.ms(Latencies.percentile(
                                        hbD, 99)), Latencies.ms(Latencies.percentile(hbD, 100)), missed, failed);
        System.out.printf(Locale.ROOT, "gaps (server time between two heartbeats of one node, warm-up included): max "
                + "%d ms; nodes with a gap over 2 periods: %d, over dead-after (%d ms): %d%s%n", maxGap, gapOver2,
                deadAfter.toMillis(), gapOverDead, gapOverDead == 0 ? " (no node would have been seen dead)"
                        : " (seen dead)");
        if (watchMs > 0) {
            System.out.printf(Locale.ROOT, "watcher: nodes() %d times, p50 %s ms max %s ms; most nodes seen dead at "
                    + "once: %d%n", wl.length, Latencies.ms(Latencies.percentile(wl, 50)),
                    Latencies.ms(Latencies.percentile(wl, 100)), maxDeadSeen.get());
        }
        System.out.printf(Locale.ROOT, "lookups: %d in %.1f s = %.0f/s; p50 %s ms p99 %s ms max %s ms; origin not "
                + "found (dead or missing) %d; failed %d%n", lk.length, windowSeconds, lookupsPerS,
                Latencies.ms(Latencies.percentile(lk, 50)), Latencies.ms(Latencies.percentile(lk, 99)),
                Latencies.ms(Latencies.percentile(lk, 100)), lookupEmpty.get(), lookupFailed.get());
        double serverCpu = cpuPct(s0, s1, windowSeconds);
        double selfCpu = cpuPct(self0, self1, windowSeconds);
        // whatever else ran on the machine during the window (it shares the cores, so it can slow either side)
        boolean machine = machine0.length > 1 && machine0.length == machine1.length && serverCpu >= 0;
        double otherCpu = machine ? 100 * (machine1[0] - machine0[0]) / windowSeconds - serverCpu - selfCpu : -1;
        StringBuilder cores = new StringBuilder();
        for (int c = 1; machine && c < machine0.length; c++) {
            cores.append(c == 1 ? "" : ", ").append(String.format(Locale.ROOT, "core %d %.0f %%", c - 1,
                    100 * (machine1[c] - machine0[c]) / windowSeconds));
        }
        System.out.printf(Locale.ROOT, "server: CPU %.1f %% of a core over the window, RSS %s MB%s; load client: CPU "
                + "%.1f %%; other processes (and softirq): %.1f %% of a core; cores busy: %s%n", serverCpu,
                s1 == null ? "?" : mb(s1.rssBytes()), dataFile == null ? "" : String.format(Locale.ROOT,
                        ", data file %.1f MB (%.1f MB at the window's start)", file1 / 1e6, file0 / 1e6), selfCpu,
                otherCpu, cores);
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        System.out.printf(Locale.ROOT, "RESULT label=%s nodes=%d streams=%d period_ms=%d populate_s=%.1f "
                + "hb_offered_per_s=%.1f hb_per_s=%.1f hb_p50_ms=%s hb_p99_ms=%s hb_max_ms=%s hb_late_p99_ms=%s "
                + "hb_dropped=%d hb_failed=%d max_gap_ms=%d nodes_gap_over_dead=%d max_dead_seen=%d lookups_per_s=%.0f "
                + "lookup_p50_ms=%s lookup_p99_ms=%s lookup_max_ms=%s lookup_empty=%d lookup_failed=%d "
                + "server_cpu_pct=%.1f server_rss_mb=%s client_cpu_pct=%.1f other_cpu_pct=%.1f data_file_mb=%.1f %s sustained=%s%n",
                label, nodeCount, streamCount, periodMs, populateSeconds, offered, achieved,
                Latencies.ms(Latencies.percentile(hbL, 50)), Latencies.ms(Latencies.percentile(hbL, 99)),
                Latencies.ms(Latencies.percentile(hbL, 100)), Latencies.ms(Latencies.percentile(hbD, 99)), missed,
                failed, maxGap, gapOverDead, maxDeadSeen.get(), lookupsPerS, Latencies.ms(Latencies.percentile(lk, 50)),
                Latencies.ms(Latencies.percentile(lk, 99)), Latencies.ms(Latencies.percentile(lk, 100)),
                lookupEmpty.get(), lookupFailed.get(), serverCpu, s1 == null ? "?" : mb(s1.rssBytes()), selfCpu,
                otherCpu, file1 / 1e6, probeLine, sustained);
        return 0;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs task(0..count-1) on {@code threads} threads; the first failure fails the run. */
    private static void parallel(int threads, int count, IndexTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long lookupCount(List<Latencies> logs) {
        long n = 0;
        for (Latencies l : logs) {
            n += l.count();
        }
        return n;
    }

    private ProcStat serverStat() {
        return serverPid == null ? null : ProcStat.of(serverPid);
    }

    private static double cpuPct(ProcStat a, ProcStat b, double seconds) {
        return a == null || b == null ? -1 : 100 * (b.cpuSeconds() - a.cpuSeconds()) / seconds;
    }

    private long fileBytes() {
        try {
            return dataFile == null ? 0 : Files.size(dataFile);
        } catch (IOException e) {
            return -1;
        }
    }

    private String fileMb() {
        return String.format(Locale.ROOT, "%.1f", fileBytes() / 1e6);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }

    private int intOpt(String name, int def) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : def;
    }

    private double doubleOpt(String name, double def) {
        return opts.containsKey(name) ? Double.parseDouble(opts.get(name)) : def;
    }

    private static void fatal(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
