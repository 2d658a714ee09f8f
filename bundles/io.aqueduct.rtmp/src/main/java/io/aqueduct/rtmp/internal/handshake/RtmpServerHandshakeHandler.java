package io.aqueduct.rtmp.internal.handshake;

import io.aqueduct.rtmp.internal.chunk.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the RTMP handshake. Reads C0+C1, answers S0+S1+S2 at once, reads C2 (not checked:
 * clients fill it carelessly), then fires {@link RtmpHandshakeComplete} and removes itself so that the chunk
 * decoder behind it gets every byte that follows.
 *
 * <p>A C1 with a zero version field gets the plain answer (S2 echoes C1). A C1 with a version is searched for a
 * Flash Player digest at both offset schemes; if one verifies, S1 carries a server digest at the same scheme
 * and S2 is signed with the key derived from the client's digest; if none does, the plain answer. A C0 other
 * than 3 closes the connection with an {@link RtmpProtocolException} naming the byte (RTMPE and non-RTMP
 * clients end here). The caller bounds how long a handshake may take (an idle timeout in the pipeline).
 */
public final class RtmpServerHandshakeHandler extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServerHandshakeHandler.class);

    private enum State { C0_C1, C2, DONE }

    private State state = State.C0_C1;
    private boolean digest;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case C0_C1 -> {
                if (!in.isReadable()) {
                    return;
                }
                int version = in.getUnsignedByte(in.readerIndex());
                if (version != RtmpHandshake.VERSION) {
                    fail(ctx, in, describeVersion(version, "C0", "not an RTMP client?"));
                }
                if (in.readableBytes() < 1 + RtmpHandshake.BLOCK_SIZE) {
                    return;
                }
                in.skipBytes(1);
                byte[] c1 = new byte[RtmpHandshake.BLOCK_SIZE];
                in.readBytes(c1);
                ctx.writeAndFlush(answer(ctx, c1));
                state = State.C2;
                decode(ctx, in, out);
            }
            case C2 -> {
                if (in.readableBytes() < RtmpHandshake.BLOCK_SIZE) {
                    return;
                }
                in.skipBytes(RtmpHandshake.BLOCK_SIZE);
                state = State.DONE;
                ctx.fireUserEventTriggered(new RtmpHandshakeComplete(digest));
                ctx.pipeline().remove(this);
            }
            default -> {
                // removed; ByteToMessageDecoder hands the rest to the next handler
            }
        }
    }

    private ByteBuf answer(ChannelHandlerContext ctx, byte[] c1) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] s1 = new byte[RtmpHandshake.BLOCK_SIZE];
        random.nextBytes(s1);
        // time 0: we keep no epoch, and clients do not use it
        s1[0] = s1[1] = s1[2] = s1[3] = 0;
        boolean clientVersioned = c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0;
        RtmpHandshake.Scheme scheme = clientVersioned ? RtmpHandshake.findClientDigest(c1) : null;
        byte[] s2;
        if (scheme == null) {
            s1[4] = s1[5] = s1[6] = s1[7] = 0;
            s2 = c1;
        } else {
            digest = true;
            System.arraycopy(RtmpHandshake.SERVER_VERSION, 0, s1, 4, 4);
            RtmpHandshake.signBlock(s1, scheme, RtmpHandshake.FMS_KEY, RtmpHandshake.FMS_KEY_SHORT);
            int clientOffset = scheme.digestOffset(c1);
            byte[] clientDigest = new byte[RtmpHandshake.DIGEST_LENGTH];
            System.arraycopy(c1, clientOffset, clientDigest, 0, RtmpHandshake.DIGEST_LENGTH);
            s2 = new byte[RtmpHandshake.BLOCK_SIZE];
            random.nextBytes(s2);
            RtmpHandshake.signResponse(s2, clientDigest, RtmpHandshake.FMS_KEY);
        }
        LOG.debug("{}: {} handshake", ctx.channel(), scheme == null ? "plain" : "digest (" + scheme + ")");
        ByteBuf reply = ctx.alloc().buffer(1 + 2 * RtmpHandshake.BLOCK_SIZE);
        reply.writeByte(RtmpHandshake.VERSION).writeBytes(s1).writeBytes(s2);
        return reply;
    }

    static String describeVersion(int version, String block, String hint) {
        if (version == 6 || version == 8 || version == 9) {
            return "encrypted RTMP (RTMPE, " + block + " version " + version + ") is not supported";
        }
        return "unsupported RTMP version " + version + " (0x" + Integer.toHexString(version) + ") in " + block
                + ", expected 3: " + hint;
    }

    static void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        in.skipBytes(in.readableBytes());
        LOG.debug("closing {}: {}", ctx.channel(), reason);
        ctx.close();
        throw new RtmpProtocolException(reason);
    }
}
