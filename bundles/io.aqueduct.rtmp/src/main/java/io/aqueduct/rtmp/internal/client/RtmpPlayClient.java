package io.aqueduct.rtmp.internal.client;

import io.aqueduct.rtmp.internal.chunk.RtmpAcknowledgementHandler;
import io.aqueduct.rtmp.internal.chunk.RtmpChunkDecoder;
import io.aqueduct.rtmp.internal.chunk.RtmpChunkEncoder;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.handshake.RtmpClientHandshakeHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.time.Duration;

/**
 * Plays one live stream from an RTMP server: {@code rtmp://host:port/app/stream}.
 *
 * <pre>{@code
 * RtmpPlayClient client = RtmpPlayClient.connect(group, URI.create("rtmp://origin:1935/live/cam1"), listener);
 * ...
 * client.close();
 * }</pre>
 *
 * <p>The client connects, does the plain handshake, sends {@code connect} (app, {@code tcUrl}, {@code flashVer}),
 * {@code createStream} and {@code play}, and from {@code NetStream.Play.Start} on hands every audio (8), video (9)
 * and data (18, {@code onMetaData}) message of the stream to the listener, as the server chunked it: an FLV tag
 * body with the RTMP timestamp. Pings are answered and the server's acknowledgement window is honoured.
 *
 * <p>The listener is called on the connection's event loop, one call at a time, and ends with exactly one of
 * {@link Listener#onEnd} or {@link Listener#onError}; the connection is closed by then.
 */
public final class RtmpPlayClient implements AutoCloseable {
    /** What {@code connect} says the client is; nginx-rtmp and Wowza only log it. */
    public static final String FLASH_VER = "LNX 9,0,124,2";
    /** The connection must be made within this. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** From the TCP connection to {@code NetStream.Play.Start}. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

    /** What a player of the stream hears; called on the connection's event loop. */
    public interface Listener {
        /** {@code NetStream.Play.Start} arrived: media follows. */
        default void onStart() {
        }

        /**
         * An audio, video or data message of the stream. The listener owns it and must release it (it may keep
         * it, retained, for as long as it likes).
         */
        void onMessage(RtmpMessage message);

        /**
         * The server ended the stream ({@code NetStream.Play.UnpublishNotify}, {@code NetStream.Play.Stop},
         * {@code NetStream.Play.Complete}), closed the connection after the play started, or {@link #close()}
         * was called. Last call.
         *
         * @param reason the status code, or a few words
         */
        default void onEnd(String reason) {
        }

        /**
         * The play failed: refused ({@code _error} to {@code connect} or {@code createStream}, an {@code onStatus}
         * of level {@code error} such as {@code NetStream.Play.StreamNotFound}), the connection could not be made
         * or broke before the play started, or a protocol error. Last call.
         */
        default void onError(RtmpClientException error) {
        }
    }

    private final RtmpUrl url;
    private final Channel channel;
    private final PlaySession session;

    private RtmpPlayClient(RtmpUrl url, Channel channel, PlaySession session) {
        this.url = url;
        this.channel = channel;
        this.session = session;
    }

    /**
     * Starts playing {@code uri} on a channel of {@code group} (an NIO group), with the default start timeout.
     *
     * @throws IllegalArgumentException when the URI is not {@code rtmp://host[:port]/app/stream}
     */
    public static RtmpPlayClient connect(EventLoopGroup group, URI uri, Listener listener) {
        return connect(group, RtmpUrl.parse(uri), DEFAULT_START_TIMEOUT, listener);
    }

    /** Starts playing {@code url}; fails with {@link Listener#onError} when the play has not started within {@code startTimeout}. */
    public static RtmpPlayClient connect(EventLoopGroup group, RtmpUrl url, Duration startTimeout, Listener listener) {
        PlaySession session = new PlaySession(url, startTimeout, listener);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
                        ch.pipeline().addLast("handshake", new RtmpClientHandshakeHandler())
                                .addLast("decoder", decoder)
                                .addLast("encoder", new RtmpChunkEncoder())
                                .addLast("ack", new RtmpAcknowledgementHandler(decoder::bytesReceived))
                                .addLast("session", session);
                    }
                });
        ChannelFuture connected = b.connect(url.host(), url.port());
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                session.connectFailed(f.cause());
            }
        });
        return new RtmpPlayClient(url, connected.channel(), session);
    }

    public RtmpUrl url() {
        return url;
    }

    /** Whether {@code NetStream.Play.Start} has arrived. */
    public boolean started() {
        return session.started();
    }

    /** Completes when the connection is closed (after the listener's last call). */
    public Future<Void> closeFuture() {
        return channel.closeFuture();
    }

    /** Stops playing and closes the connection; the listener hears {@code onEnd("closed by the client")}. */
    @Override
    public void close() {
        channel.eventLoop().execute(() -> session.closeByClient(channel));
    }

    @Override
    public String toString() {
        return "RtmpPlayClient(" + url + ")";
    }
}
