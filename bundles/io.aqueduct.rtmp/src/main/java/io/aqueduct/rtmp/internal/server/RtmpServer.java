package io.aqueduct.rtmp.internal.server;

import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.PublishAdmission;
import io.aqueduct.api.access.StreamAccessPolicy;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.log.RateLimitedLog;
import io.aqueduct.api.net.EventLoops;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamSource;
import io.aqueduct.api.stream.ViewerCount;
import io.aqueduct.api.stream.StreamSources;
import io.aqueduct.rtmp.internal.chunk.RtmpAcknowledgementHandler;
import io.aqueduct.rtmp.internal.chunk.RtmpChunkDecoder;
import io.aqueduct.rtmp.internal.chunk.RtmpChunkEncoder;
import io.aqueduct.rtmp.internal.handshake.RtmpServerHandshakeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMP listener (configuration PID {@value #PID}): publishers ({@code rtmp://host:1935/<app>/<key>}) go into
 * the hub as stream {@code <app>/<key>}, players of the same URL are served from it. Reports itself in
 * {@code /health} as check {@code rtmp}; a bad setting is rejected and the listener stays where it is.
 */
@Component(configurationPid = RtmpServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {HealthIndicator.class, ViewerCount.class})
@Designate(ocd = RtmpServer.Config.class)
public final class RtmpServer implements HealthIndicator, ViewerCount {
    static final String PID = "io.aqueduct.rtmp";
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);

    @ObjectClassDefinition(name = "Aqueduct RTMP", description = "RTMP ingest and playback")
    public @interface Config {
        @AttributeDefinition(description = "TCP port publishers and players connect to")
        int port() default 1935;

        @AttributeDefinition(description = "Bind address: 0.0.0.0 for every interface, 127.0.0.1 for this machine")
        String host() default "0.0.0.0";

        @AttributeDefinition(name = "Flush interval (ms)", description = "How long a player gathers frames before "
                + "they are written in one go: fewer system calls per player, at most this much added latency; "
                + "0 writes every frame at once")
        long flush_interval_ms() default DEFAULT_FLUSH_INTERVAL_MS;
    }

    static final long DEFAULT_FLUSH_INTERVAL_MS = 30;

    /** Where the listener binds. */
    record Endpoint(String host, int port) {
        static Endpoint parse(Map<String, ?> properties) {
            Settings s = Settings.of(PID, properties);
            return new Endpoint(s.host("host", "0.0.0.0"), s.port("port", 1935));
        }
    }

    private static long flushInterval(Map<String, ?> properties) {
        return Settings.of(PID, properties).duration("flush.interval.ms", DEFAULT_FLUSH_INTERVAL_MS, 0, 1000);
    }

    /** How long a publish waits for the {@link PublishAdmission} services before it is refused. */
    static final long ADMISSION_TIMEOUT_SECONDS = 10;

    private final StreamHub hub;
    private final List<StreamAccessPolicy> policies = new CopyOnWriteArrayList<>();
    private final List<PublishAdmission> admissions = new CopyOnWriteArrayList<>();
    private final List<StreamSource> sources = new CopyOnWriteArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** The node's event loops: shared, never shut down here. */
    private final EventLoops loops;
    private Channel listener;
    private Endpoint endpoint;
    private volatile String problem;
    private volatile long flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS;
    private final SharedFrames frames = new SharedFrames();
    private final Map<StreamKey, Map<String, Object>> metadata = new ConcurrentHashMap<>();
    /** Players per stream key; a key leaves when its last player does. */
    private final Map<StreamKey, Integer> players = new ConcurrentHashMap<>();
    /** The sessions' per-connection lines: a flood of connections costs a few lines and a summary. */
    private final RateLimitedLog connectionLog = new RateLimitedLog(LoggerFactory.getLogger(RtmpSession.class),
            "RTMP connection events", 50, Duration.ofSeconds(10), System::nanoTime,
            (task, nanos) -> GlobalEventExecutor.INSTANCE.schedule(task, nanos, TimeUnit.NANOSECONDS));

    @Activate
    public RtmpServer(@Reference StreamHub hub, @Reference EventLoops loops) {
        this.hub = hub;
        this.loops = loops;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPolicy(StreamAccessPolicy policy) {
        policies.add(policy);
    }

    void removePolicy(StreamAccessPolicy policy) {
        policies.remove(policy);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAdmission(PublishAdmission admission) {
        admissions.add(admission);
    }

    void removeAdmission(PublishAdmission admission) {
        admissions.remove(admission);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(StreamSource source) {
        sources.add(source);
    }

    void removeSource(StreamSource source) {
        sources.remove(source);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        Endpoint wanted;
        try {
            wanted = Endpoint.parse(properties);
            flushIntervalMs = flushInterval(properties);
        } catch (InvalidSettingException e) {
            LOG.error("Rejected configuration {}; using the defaults instead", e.getMessage());
            problem = "rejected " + e.getMessage();
            wanted = Endpoint.parse(Map.of());
        }
        bind(wanted);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Endpoint wanted;
        long interval;
        try {
            wanted = Endpoint.parse(properties);
            interval = flushInterval(properties);
        } catch (InvalidSettingException e) {
            problem = "rejected " + e.getMessage() + "; keeping the previous settings";
            LOG.error("Rejected configuration {}", problem);
            return;
        }
        problem = null;
        flushIntervalMs = interval;
        if (!wanted.equals(endpoint)) {
            closeListener();
            bind(wanted);
        }
    }

    @Deactivate
    void deactivate() {
        closeListener();
        // the connections' timers go with them (channelInactive); the shared event loops stay
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        frames.clear();
    }

    private void bind(Endpoint wanted) {
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
                        ch.pipeline().addLast("handshake", new RtmpServerHandshakeHandler())
                                .addLast("decoder", decoder)
                                .addLast("encoder", new RtmpChunkEncoder())
                                .addLast("ack", new RtmpAcknowledgementHandler(decoder::bytesReceived))
                                .addLast("session", new RtmpSession(RtmpServer.this));
                    }
                });
        try {
            listener = b.bind(wanted.host(), wanted.port()).sync().channel();
            endpoint = wanted;
            LOG.info("RTMP listening on {}:{}", wanted.host(), wanted.port());
        } catch (Exception e) {
            endpoint = null;
            problem = "cannot listen on " + wanted.host() + " port " + wanted.port() + ": " + e.getMessage()
                    + "; free the port or set another one in config/" + PID + ".cfg";
            LOG.error("RTMP {}", problem);
        }
    }

    private void closeListener() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            listener = null;
        }
    }

    StreamHub hub() {
        return hub;
    }

    /** A session started playing {@code key}. */
    void playerJoined(StreamKey key) {
        players.merge(key, 1, Integer::sum);
    }

    /** A session stopped playing {@code key}. */
    void playerLeft(StreamKey key) {
        players.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    }

    @Override
    public String protocol() {
        return "rtmp";
    }

    @Override
    public Map<StreamKey, Integer> viewers() {
        return Map.copyOf(players);
    }

    /** The onMetaData a stream's publisher sent, empty when none. */
    Map<String, Object> metadata(StreamKey key) {
        return metadata.getOrDefault(key, Map.of());
    }

    /** Keeps (or, with null, forgets) a stream's onMetaData. */
    void setMetadata(StreamKey key, Map<String, Object> values) {
        if (values == null) {
            metadata.remove(key);
        } else {
            metadata.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(values))); // AMF values may be null
        }
    }

    SharedFrames frames() {
        return frames;
    }

    RateLimitedLog connectionLog() {
        return connectionLog;
    }

    /** How long a woken player waits before writing what it has, in milliseconds. */
    long flushIntervalMs() {
        return flushIntervalMs;
    }

    /** The first refusal of any policy, or null. */
    String checkPublish(AccessRequest request) {
        return firstRefusal(p -> p.checkPublish(request));
    }

    /**
     * Asks every {@link PublishAdmission}, all at once.
     *
     * @return null when there is none to ask (publish at once), else a stage completed with the first refusal
     *         in registration order, or null when all admit; an admission that does not answer within
     *         {@value #ADMISSION_TIMEOUT_SECONDS} s refuses
     */
    CompletionStage<String> admitPublish(AccessRequest request) {
        List<PublishAdmission> asked = List.copyOf(admissions);
        if (asked.isEmpty()) {
            return null;
        }
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (PublishAdmission a : asked) {
            CompletableFuture<String> answer;
            try {
                answer = a.admitPublish(request).toCompletableFuture();
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answers.add(answer.copy().completeOnTimeout("the publish check did not answer within "
                    + ADMISSION_TIMEOUT_SECONDS + " s", ADMISSION_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            for (CompletableFuture<String> answer : answers) {
                String refusal = answer.join();
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        });
    }

    /**
     * Asks every {@link StreamSource} to bring a stream that is not live here.
     *
     * @return null when there is no source (the stream is simply not found), else a stage completed with null as
     *         soon as one source has brought the stream in, or with the sources' reasons when none could; a source
     *         that does not answer within {@value #ADMISSION_TIMEOUT_SECONDS} s counts as unable
     */
    CompletionStage<String> requestStream(StreamKey key) {
        List<StreamSource> asked = List.copyOf(sources);
        return asked.isEmpty() ? null : StreamSources.request(asked, key, ADMISSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    String checkPlay(AccessRequest request) {
        return firstRefusal(p -> p.checkPlay(request));
    }

    private String firstRefusal(Function<StreamAccessPolicy, String> check) {
        for (StreamAccessPolicy p : policies) {
            String refused = check.apply(p);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return "rtmp";
    }

    @Override
    public HealthCheck check() {
        String p = problem;
        if (endpoint == null) {
            return HealthCheck.down(p != null ? p : "not listening");
        }
        return p != null ? HealthCheck.degraded(p) : HealthCheck.up();
    }
}
