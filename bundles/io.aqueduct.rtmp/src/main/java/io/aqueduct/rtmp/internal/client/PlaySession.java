package io.aqueduct.rtmp.internal.client;

import io.aqueduct.rtmp.internal.amf0.Amf0Exception;
import io.aqueduct.rtmp.internal.amf0.Amf0Reader;
import io.aqueduct.rtmp.internal.amf0.Amf0Writer;
import io.aqueduct.rtmp.internal.chunk.ProtocolControl;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.chunk.UserControlEvent;
import io.aqueduct.rtmp.internal.handshake.RtmpHandshakeComplete;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The player's side of the command flow on one connection, after the handshake: connect, createStream, play,
 * then the stream's messages to the {@link RtmpPlayClient.Listener}. Runs on the connection's event loop.
 */
final class PlaySession extends ChannelInboundHandlerAdapter {
    private static final double TXN_CONNECT = 1;
    private static final double TXN_CREATE_STREAM = 2;
    private static final int WINDOW_ACK_SIZE = 2_500_000;
    private static final int BUFFER_MILLIS = 3000;

    private final RtmpUrl url;
    private final Duration startTimeout;
    private final RtmpPlayClient.Listener listener;
    private final Amf0Reader amf = new Amf0Reader();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> startTimer;
    private int streamId = -1;
    private volatile boolean started;
    private boolean finished;

    PlaySession(RtmpUrl url, Duration startTimeout, RtmpPlayClient.Listener listener) {
        this.url = url;
        this.startTimeout = startTimeout;
        this.listener = listener;
    }

    boolean started() {
        return started;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer = ctx.executor().schedule(() -> fail(new RtmpClientException(null,
                "no NetStream.Play.Start from " + url + " within " + startTimeout.toMillis() + " ms")),
                startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof RtmpHandshakeComplete) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("app", url.app());
            properties.put("flashVer", RtmpPlayClient.FLASH_VER);
            properties.put("tcUrl", url.tcUrl());
            properties.put("fpad", false);
            properties.put("capabilities", 15.0);
            properties.put("audioCodecs", 4071.0); // every codec flag of the FLV spec
            properties.put("videoCodecs", 252.0);
            properties.put("videoFunction", 1.0);
            properties.put("objectEncoding", 0.0);
            ctx.writeAndFlush(command(0, "connect", TXN_CONNECT, properties));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (finished) {
            message.release();
            return;
        }
        switch (message.typeId()) {
            case RtmpConstants.TYPE_AUDIO, RtmpConstants.TYPE_VIDEO, RtmpConstants.TYPE_DATA_AMF0 -> {
                if (started && message.messageStreamId() == streamId) {
                    listener.onMessage(message); // the listener releases it
                } else {
                    message.release();
                }
                return;
            }
            default -> {
            }
        }
        try {
            switch (message.typeId()) {
                case RtmpConstants.TYPE_COMMAND_AMF0 -> command(amf.readAll(message.content().duplicate()));
                case RtmpConstants.TYPE_COMMAND_AMF3 -> {
                    ByteBuf values = message.content().duplicate();
                    values.skipBytes(Math.min(1, values.readableBytes())); // format byte, AMF0 values follow
                    command(amf.readAll(values));
                }
                case RtmpConstants.TYPE_USER_CONTROL -> {
                    UserControlEvent event = UserControlEvent.read(message);
                    if (event.eventType() == UserControlEvent.PING_REQUEST) {
                        ctx.writeAndFlush(UserControlEvent.pingResponse(event.value()).toMessage());
                    }
                }
                default -> {
                    // window ack size (the ack handler keeps it), peer bandwidth, acknowledgements: nothing to do
                }
            }
        } catch (Amf0Exception | ClassCastException | IndexOutOfBoundsException e) {
            fail(new RtmpClientException("bad command message from " + url + ": " + e.getMessage(), e));
        } finally {
            message.release();
        }
    }

    private void command(List<Object> values) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            return;
        }
        double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        Object info = values.size() > 3 ? values.get(3) : null;
        switch (name) {
            case "_result" -> {
                if (txn == TXN_CONNECT) {
                    ctx.write(ProtocolControl.windowAcknowledgementSize(WINDOW_ACK_SIZE));
                    ctx.writeAndFlush(command(0, "createStream", TXN_CREATE_STREAM, null));
                } else if (txn == TXN_CREATE_STREAM) {
                    if (!(info instanceof Double id)) {
                        fail(new RtmpClientException(null, url + " answered createStream without a stream id"));
                        return;
                    }
                    streamId = id.intValue();
                    ctx.write(command(streamId, "play", 0.0, null, url.stream(), -2000.0));
                    ctx.writeAndFlush(UserControlEvent.setBufferLength(streamId, BUFFER_MILLIS).toMessage());
                }
            }
            case "_error" -> {
                String what = txn == TXN_CONNECT ? "connect to " + url.tcUrl()
                        : txn == TXN_CREATE_STREAM ? "createStream" : "a command";
                fail(statusError(info, what + " refused", "NetConnection.Call.Failed"));
            }
            case "onStatus" -> onStatus(info);
            default -> {
                // onBWDone, _checkbw and other server calls a player may ignore
            }
        }
    }

    private void onStatus(Object info) {
        Map<?, ?> status = info instanceof Map<?, ?> m ? m : Map.of();
        String level = String.valueOf(status.get("level"));
        String code = String.valueOf(status.get("code"));
        if ("error".equals(level)) {
            fail(statusError(info, "play " + url + " failed", code));
            return;
        }
        switch (code) {
            case "NetStream.Play.Start" -> {
                if (!started) {
                    started = true;
                    if (startTimer != null) {
                        startTimer.cancel(false);
                    }
                    listener.onStart();
                }
            }
            case "NetStream.Play.UnpublishNotify", "NetStream.Play.Stop", "NetStream.Play.Complete" -> end(code);
            default -> {
                // Play.Reset, Play.PublishNotify, Data.Start: informational
            }
        }
    }

    private static RtmpClientException statusError(Object info, String what, String fallbackCode) {
        Map<?, ?> status = info instanceof Map<?, ?> m ? m : Map.of();
        String code = status.get("code") instanceof String c ? c : fallbackCode;
        Object description = status.get("description");
        return new RtmpClientException(code, what + ": " + code + (description != null ? " (" + description + ")" : ""));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (started) {
            finish(() -> listener.onEnd("connection closed by the server"));
        } else {
            finish(() -> listener.onError(new RtmpClientException(null,
                    url + " closed the connection before the play started")));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        fail(new RtmpClientException("connection to " + url + " failed: " + why, cause));
    }

    void connectFailed(Throwable cause) {
        String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        finish(() -> listener.onError(new RtmpClientException("cannot connect to " + url + ": " + why, cause)));
    }

    void closeByClient(Channel channel) {
        finish(() -> listener.onEnd("closed by the client"));
        channel.close();
    }

    private void end(String reason) {
        finish(() -> listener.onEnd(reason));
        ctx.close();
    }

    private void fail(RtmpClientException error) {
        finish(() -> listener.onError(error));
        ctx.close();
    }

    /** Runs the listener's last call, once. */
    private void finish(Runnable lastCall) {
        if (finished) {
            return;
        }
        finished = true;
        if (startTimer != null) {
            startTimer.cancel(false);
        }
        lastCall.run();
    }

    private RtmpMessage command(int messageStreamId, Object... values) {
        ByteBuf body = ctx.alloc().buffer();
        Amf0Writer.writeAll(body, values);
        return new RtmpMessage(RtmpConstants.CSID_COMMAND, RtmpConstants.TYPE_COMMAND_AMF0, messageStreamId, 0, body);
    }
}
