package io.aqueduct.rtmp.internal.server;

import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.log.LogSafe;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.rtmp.internal.amf0.Amf0Exception;
import io.aqueduct.rtmp.internal.amf0.Amf0Reader;
import io.aqueduct.rtmp.internal.chunk.ProtocolControl;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.chunk.UserControlEvent;
import io.aqueduct.rtmp.internal.flv.FlvException;
import io.aqueduct.rtmp.internal.flv.FlvToMedia;
import io.aqueduct.rtmp.internal.flv.MediaToFlv;
import io.aqueduct.rtmp.internal.handshake.RtmpHandshakeComplete;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP connection after the handshake: the NetConnection / NetStream command flow (RTMP 1.0, 7.2), a
 * publisher's audio and video into the hub, or the hub's packets out to a player.
 *
 * <p>Everything runs on the connection's event loop. A player is woken by its subscription, drains what is
 * queued, writes it and flushes once, so several frames go out in one system call; while the socket cannot
 * take more it stops draining, and the hub's queue (skip to the next keyframe when too far behind) protects
 * the publisher and the other players.
 */
final class RtmpSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpSession.class);
    static final int WINDOW_ACK_SIZE = 2_500_000;
    static final int OUTGOING_CHUNK_SIZE = 4096;
    /** A connection must publish or play within this time (covers a stalled handshake too). */
    static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** A publisher that sends nothing for this long is gone (a dead encoder, a half-open connection). */
    static final long PUBLISHER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long HOUSEKEEPING_SECONDS = 5;

    private final RtmpServer server;
    private final Amf0Reader amf = new Amf0Reader();
    private ChannelHandlerContext ctx;
    private final long openedNanos = System.nanoTime();
    private long lastReadNanos = openedNanos;
    private boolean started;
    private ScheduledFuture<?> housekeeping;
    private String app;
    private int nextStreamId = 1;

    private Publication publication;
    private FlvToMedia mapper;
    /** A publish waits for the {@code PublishAdmission} services (a registry round trip). */
    private boolean admitting;
    /** Counts unpublishes: an admission that completes after one is for a publish the client took back. */
    private int publishGeneration;
    /** Counts plays and stops: a stream brought in by a source after either is for a play no longer wanted. */
    private int playGeneration;

    private Subscription subscription;
    private int playStreamId;
    private String playing;
    private Track sentVideo;
    private Track sentAudio;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    RtmpSession(RtmpServer server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        housekeeping = ctx.channel().eventLoop().scheduleWithFixedDelay(this::housekeeping, HOUSEKEEPING_SECONDS,
                HOUSEKEEPING_SECONDS, TimeUnit.SECONDS);
    }

    /** Closes connections that hold a slot without using it. */
    private void housekeeping() {
        long now = System.nanoTime();
        if (!started && now - openedNanos > START_TIMEOUT_NANOS) {
            refuse("no publish or play within " + TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NANOS) + " s");
        } else if (publication != null && now - lastReadNanos > PUBLISHER_IDLE_NANOS) {
            refuse("publisher of " + publication.key() + " sent nothing for "
                    + TimeUnit.NANOSECONDS.toSeconds(PUBLISHER_IDLE_NANOS) + " s");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastReadNanos = System.nanoTime();
        try {
            handle(message);
        } catch (Amf0Exception | FlvException | ClassCastException | IndexOutOfBoundsException e) {
            refuse("bad " + typeName(message.typeId()) + " message: " + e.getMessage());
        } finally {
            message.release();
        }
    }

    private void handle(RtmpMessage m) throws FlvException {
        ByteBuf body = m.content();
        switch (m.typeId()) {
            case RtmpConstants.TYPE_COMMAND_AMF0 -> command(m.messageStreamId(), amf.readAll(body.duplicate()));
            case RtmpConstants.TYPE_COMMAND_AMF3 -> {
                // AMF3 command messages start with a format byte and carry AMF0 values after it.
                ByteBuf values = body.duplicate();
                values.skipBytes(Math.min(1, values.readableBytes()));
                command(m.messageStreamId(), amf.readAll(values));
            }
            case RtmpConstants.TYPE_VIDEO -> {
                if (publication != null) {
                    send(mapper.video(m.timestamp(), body));
                }
            }
            case RtmpConstants.TYPE_AUDIO -> {
                if (publication != null) {
                    send(mapper.audio(m.timestamp(), body));
                }
            }
            case RtmpConstants.TYPE_AGGREGATE -> {
                if (publication != null) {
                    AggregateMessage.split(m.timestamp(), body, (type, ts, data) -> {
                        if (type == RtmpConstants.TYPE_VIDEO) {
                            send(mapper.video(ts, data));
                        } else if (type == RtmpConstants.TYPE_AUDIO) {
                            send(mapper.audio(ts, data));
                        }
                    });
                }
            }
            case RtmpConstants.TYPE_DATA_AMF0 -> {
                if (publication != null) {
                    metadata(amf.readAll(body.duplicate()));
                }
            }
            case RtmpConstants.TYPE_USER_CONTROL -> {
                UserControlEvent event = UserControlEvent.read(m);
                if (event.eventType() == UserControlEvent.PING_REQUEST) {
                    ctx.writeAndFlush(UserControlEvent.pingResponse(event.value()).toMessage());
                }
            }
            default -> {
                // metadata (@setDataFrame), acknowledgements, bandwidth: nothing to answer
            }
        }
    }

    /** Keeps a publisher's {@code @setDataFrame("onMetaData", {...})} (or a bare onMetaData) for its players. */
    private void metadata(List<Object> values) {
        int at = !values.isEmpty() && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() > at + 1 && "onMetaData".equals(values.get(at)) && values.get(at + 1) instanceof Map<?, ?> m) {
            Map<String, Object> meta = new LinkedHashMap<>();
            m.forEach((k, v) -> meta.put(String.valueOf(k), v));
            server.setMetadata(publication.key(), meta);
        }
    }

    private void send(MediaPacket packet) {
        if (packet != null) {
            publication.send(packet);
        }
    }

    private void command(int messageStreamId, List<Object> values) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            refuse("a command message without a command name");
            return;
        }
        double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        switch (name) {
            case "connect" -> connect(txn, values.size() > 2 ? values.get(2) : null);
            case "createStream" -> ctx.writeAndFlush(RtmpCommands.result(alloc(), txn, null, (double) nextStreamId++));
            case "publish" -> publish(messageStreamId, stringAt(values, 3));
            case "play" -> play(messageStreamId, stringAt(values, 3));
            case "deleteStream", "closeStream", "FCUnpublish" -> {
                stopPublishing();
                stopPlaying();
                answer(txn);
            }
            default -> answer(txn); // releaseStream, FCPublish, getStreamLength, ...: an empty _result will do
        }
    }

    private void answer(double txn) {
        if (txn != 0) {
            ctx.writeAndFlush(RtmpCommands.result(alloc(), txn, null, null));
        }
    }

    private void connect(double txn, Object commandObject) {
        if (!(commandObject instanceof Map<?, ?> properties) || !(properties.get("app") instanceof String appName)) {
            refuse("connect without an app name");
            return;
        }
        app = appName;
        ctx.write(ProtocolControl.windowAcknowledgementSize(WINDOW_ACK_SIZE));
        ctx.write(ProtocolControl.setPeerBandwidth(WINDOW_ACK_SIZE, ProtocolControl.LIMIT_DYNAMIC));
        ctx.write(ProtocolControl.setChunkSize(OUTGOING_CHUNK_SIZE));
        ctx.writeAndFlush(RtmpCommands.connectResult(alloc(), txn));
    }

    private void publish(int streamId, String name) {
        StreamName stream = streamName(streamId, name, "NetStream.Publish.BadName");
        if (stream == null) {
            return;
        }
        if (publication != null || admitting) {
            fail(streamId, "NetStream.Publish.BadName", "this connection is already publishing "
                    + (publication != null ? publication.key() : "a stream"));
            return;
        }
        AccessRequest request = request(stream);
        String refused = server.checkPublish(request);
        if (refused != null) {
            fail(streamId, "NetStream.Publish.Denied", "publishing " + stream.key() + " is not allowed: " + refused);
            return;
        }
        CompletionStage<String> admission = server.admitPublish(request);
        if (admission == null) {
            startPublishing(streamId, stream);
            return;
        }
        // Media that arrives meanwhile is dropped (publication is null); encoders wait for Publish.Start anyway.
        admitting = true;
        int generation = publishGeneration;
        admission.whenComplete((refusal, error) -> ctx.executor().execute(() -> {
            if (generation != publishGeneration || !ctx.channel().isActive()) {
                return; // the publisher unpublished or left while it waited
            }
            admitting = false;
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.warn("RTMP {}: the publish check of {} failed", remote(), stream.key(), cause);
                fail(streamId, "NetStream.Publish.Denied", "publishing " + stream.key()
                        + " could not be checked (" + cause + "); try again");
            } else if (refusal != null) {
                fail(streamId, "NetStream.Publish.Denied", "publishing " + stream.key() + " is not allowed: "
                        + refusal);
            } else {
                startPublishing(streamId, stream);
            }
        }));
    }

    private void startPublishing(int streamId, StreamName stream) {
        try {
            publication = server.hub().publish(stream.key());
        } catch (StreamAlreadyLiveException e) {
            fail(streamId, "NetStream.Publish.BadName", e.getMessage());
            return;
        } catch (RuntimeException e) {
            // The hub left nothing behind; after an admission this runs as a task, where nothing else would answer.
            LOG.warn("RTMP {}: the publish of {} failed", remote(), stream.key(), e);
            fail(streamId, "NetStream.Publish.Failed", "publishing " + stream.key() + " failed (" + e + "); try again");
            return;
        }
        mapper = new FlvToMedia();
        started = true;
        server.connectionLog().info("RTMP {} publishes {}", remote(), stream.key());
        ctx.write(UserControlEvent.streamBegin(streamId).toMessage());
        ctx.writeAndFlush(RtmpCommands.onStatus(alloc(), streamId, "status", "NetStream.Publish.Start",
                stream.key() + " is now published."));
    }

    private void play(int streamId, String name) {
        StreamName stream = streamName(streamId, name, "NetStream.Play.StreamNotFound");
        if (stream == null) {
            return;
        }
        stopPlaying();
        String refused = server.checkPlay(request(stream));
        if (refused != null) {
            fail(streamId, "NetStream.Play.Failed", "playing " + stream.key() + " is not allowed: " + refused);
            return;
        }
        if (server.hub().stream(stream.key()).isEmpty()) {
            CompletionStage<String> sourced = server.requestStream(stream.key());
            if (sourced != null) {
                // another node has it, maybe (an edge pulls it from its origin): play when it is here
                int generation = ++playGeneration;
                started = true;
                sourced.whenComplete((reason, error) -> ctx.executor().execute(() -> {
                    if (generation != playGeneration || !ctx.channel().isActive()) {
                        return; // the player asked for something else, or left
                    }
                    String why = error != null ? String.valueOf(error) : reason;
                    if (why != null) {
                        fail(streamId, "NetStream.Play.StreamNotFound", "no stream " + stream.key()
                                + " is being published: " + why);
                    } else {
                        startPlaying(streamId, stream);
                    }
                }));
                return;
            }
        }
        startPlaying(streamId, stream);
    }

    private void startPlaying(int streamId, StreamName stream) {
        subscription = server.hub().subscribe(stream.key(), SubscriptionOptions.DEFAULTS, s -> scheduleDrain())
                .orElse(null);
        if (subscription == null) {
            fail(streamId, "NetStream.Play.StreamNotFound", "no stream " + stream.key() + " is being published");
            return;
        }
        server.playerJoined(stream.key());
        playStreamId = streamId;
        playing = stream.key().toString();
        started = true;
        sentVideo = null;
        sentAudio = null;
        server.connectionLog().info("RTMP {} plays {}", remote(), stream.key());
        ctx.write(UserControlEvent.streamBegin(streamId).toMessage());
        ctx.write(RtmpCommands.onStatus(alloc(), streamId, "status", "NetStream.Play.Reset", "Playing and resetting " + playing + "."));
        ctx.write(RtmpCommands.onStatus(alloc(), streamId, "status", "NetStream.Play.Start", "Started playing " + playing + "."));
        ctx.write(RtmpCommands.data(alloc(), streamId, "|RtmpSampleAccess", true, true));
        ctx.write(RtmpCommands.data(alloc(), streamId, "onMetaData", metadata(stream)));
        drain(); // the GOP cache, at once: playback starts without waiting for the next frame
    }

    /**
     * onMetaData for a player: what the publisher sent, completed from the tracks the hub knows (what FLV players
     * use to set themselves up).
     */
    private Map<String, Object> metadata(StreamName stream) {
        Map<String, Object> meta = new LinkedHashMap<>(server.metadata(stream.key()));
        server.hub().stream(stream.key()).ifPresent(info -> {
            for (Track t : info.tracks()) {
                switch (t.codec()) {
                    case H264, H265 -> {
                        if (t.width() > 0) {
                            meta.putIfAbsent("width", (double) t.width());
                            meta.putIfAbsent("height", (double) t.height());
                        }
                        meta.putIfAbsent("videocodecid", t.codec() == Codec.H264 ? 7.0 : 12.0);
                    }
                    case AAC, MP3 -> {
                        meta.putIfAbsent("audiocodecid", t.codec() == Codec.AAC ? 10.0 : 2.0);
                        if (t.sampleRate() > 0) {
                            meta.putIfAbsent("audiosamplerate", (double) t.sampleRate());
                            meta.putIfAbsent("stereo", t.channels() > 1);
                        }
                    }
                    default -> {
                    }
                }
            }
        });
        return meta;
    }

    /**
     * Called by the subscription (on the publisher's thread) when packets arrive. The drain runs after the flush
     * interval, so the frames that arrive meanwhile go out in the same write: with many players this turns one
     * system call per frame per player into one per interval.
     */
    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            long delay = server.flushIntervalMs();
            if (delay <= 0) {
                ctx.channel().eventLoop().execute(this::drain);
            } else {
                ctx.channel().eventLoop().schedule(this::drain, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Subscription s = subscription;
        if (s == null) {
            return;
        }
        while (ctx.channel().isWritable()) {
            MediaPacket p = s.poll();
            if (p == null) {
                break;
            }
            try {
                write(p);
            } finally {
                p.release();
            }
        }
        ctx.flush();
        if (s.isEnded()) {
            endPlay(s.endReason());
        }
    }

    /**
     * Writes one frame, preceded by its track's sequence header when the track is new to this player. Audio and
     * video go out with full chunk headers on their own chunk streams, past the stateful chunk encoder, so the
     * frame's chunks can be shared by every player ({@link SharedFrames}).
     */
    private void write(MediaPacket p) {
        Track track = p.track();
        if (!MediaToFlv.supports(track)) {
            return;
        }
        boolean video = MediaToFlv.isVideo(track.codec());
        int csid = video ? RtmpConstants.CSID_VIDEO : RtmpConstants.CSID_AUDIO;
        int type = video ? RtmpConstants.TYPE_VIDEO : RtmpConstants.TYPE_AUDIO;
        long ts = MediaToFlv.timestampMs(p);
        if (track != (video ? sentVideo : sentAudio)) {
            ByteBuf header = MediaToFlv.sequenceHeader(alloc(), track);
            if (header != null) {
                ctx.write(SharedFrames.encode(alloc(), new RtmpMessage(csid, type, playStreamId, ts, header)));
            }
            if (video) {
                sentVideo = track;
            } else {
                sentAudio = track;
            }
        }
        // the shared chunks carry stream id 1, which every player gets from its first createStream
        ctx.write(playStreamId == 1 ? server.frames().chunks(alloc(), p)
                : SharedFrames.encode(alloc(), SharedFrames.frame(alloc(), p, playStreamId)));
    }

    private void endPlay(EndReason reason) {
        int streamId = playStreamId;
        String key = playing;
        stopPlaying();
        if (reason == EndReason.PUBLISHER_LEFT) {
            ctx.write(UserControlEvent.streamEof(streamId).toMessage());
            ctx.write(RtmpCommands.onStatus(alloc(), streamId, "status", "NetStream.Play.UnpublishNotify",
                    key + " is no longer published."));
            ctx.writeAndFlush(RtmpCommands.onStatus(alloc(), streamId, "status", "NetStream.Play.Stop",
                    "Stopped playing " + key + "."));
        } else {
            server.connectionLog().info("RTMP {} stops playing {}: {}", remote(), key, reason);
            fail(streamId, "NetStream.Play.Failed", "playback of " + key + " ended: " + reason);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof RtmpHandshakeComplete done) {
            LOG.debug("RTMP {} completed the {} handshake", remote(), done.digest() ? "digest" : "plain");
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        housekeeping.cancel(false);
        stopPublishing();
        stopPlaying();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (cause instanceof IOException) {
            LOG.debug("RTMP {} closed: {}", remote(), LogSafe.text(reason)); // the peer went away: an ordinary end
        } else {
            server.connectionLog().info("RTMP {} closed: {}", remote(), LogSafe.text(reason));
        }
        ctx.close();
    }

    private void stopPublishing() {
        publishGeneration++;
        admitting = false;
        if (publication != null) {
            server.connectionLog().info("RTMP {} stops publishing {}", remote(), publication.key());
            server.setMetadata(publication.key(), null);
            publication.close();
            publication = null;
            mapper = null;
        }
    }

    private void stopPlaying() {
        playGeneration++;
        if (subscription != null) {
            server.playerLeft(subscription.key());
            subscription.close();
            subscription = null;
        }
    }

    private StreamName streamName(int streamId, String name, String errorCode) {
        if (app == null) {
            refuse("publish or play before connect");
            return null;
        }
        try {
            return StreamName.parse(app, name);
        } catch (IllegalArgumentException e) {
            fail(streamId, errorCode, e.getMessage());
            return null;
        }
    }

    /** Tells the client why on its NetStream, then closes the connection. */
    private void fail(int streamId, String code, String description) {
        server.connectionLog().info("RTMP {} refused: {} ({})", remote(), LogSafe.text(description), code);
        ctx.writeAndFlush(RtmpCommands.onStatus(alloc(), streamId, "error", code, description))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes a connection that broke the protocol, saying why in the log. */
    private void refuse(String reason) {
        server.connectionLog().info("RTMP {} closed: {}", remote(), LogSafe.text(reason));
        ctx.close();
    }

    private AccessRequest request(StreamName stream) {
        return new AccessRequest("rtmp", stream.key(), remote(), stream.parameters());
    }

    private InetSocketAddress remote() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    private ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    private static String stringAt(List<Object> values, int index) {
        return values.size() > index && values.get(index) instanceof String s ? s : null;
    }

    private static String typeName(int typeId) {
        return switch (typeId) {
            case RtmpConstants.TYPE_AUDIO -> "audio";
            case RtmpConstants.TYPE_VIDEO -> "video";
            case RtmpConstants.TYPE_COMMAND_AMF0, RtmpConstants.TYPE_COMMAND_AMF3 -> "command";
            default -> "type " + typeId;
        };
    }
}
