package io.aqueduct.rtmp.internal.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtmpChunkEncoderTest {

    private static RtmpMessage message(int csid, int type, int msid, long ts, int length) {
        ByteBuf payload = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            payload.writeByte(i);
        }
        return new RtmpMessage(csid, type, msid, ts, payload);
    }

    private static byte[] encode(EmbeddedChannel channel, RtmpMessage message) {
        channel.writeOutbound(message);
        ByteBuf out = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    @Test
    void picksTheSmallestHeader() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        assertEquals("04000000000005080100000000010203 04".replace(" ", "").substring(0, 32),
                hex(encode(channel, message(4, 8, 1, 0, 5))).substring(0, 32)); // type 0
        assertEquals("840000140001020304", hex(encode(channel, message(4, 8, 1, 20, 5))));  // type 2
        assertEquals("c40001020304", hex(encode(channel, message(4, 8, 1, 40, 5))));        // type 3
        assertEquals("c40001020304", hex(encode(channel, message(4, 8, 1, 60, 5))));
        assertEquals("440000140000030800 0102".replace(" ", ""), hex(encode(channel, message(4, 8, 1, 80, 3))));
        assertEquals("04000050000003080200000000 0102".replace(" ", ""),
                hex(encode(channel, message(4, 8, 2, 80, 3)))); // new message stream: type 0
        assertEquals("04000046000003080200000000 0102".replace(" ", ""),
                hex(encode(channel, message(4, 8, 2, 70, 3)))); // backwards: type 0
        assertFalse(channel.finish());
    }

    @Test
    void neverATypeThreeNewMessageRightAfterTypeZero() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        encode(channel, message(4, 8, 1, 100, 1));
        assertEquals("84000064" + "00", hex(encode(channel, message(4, 8, 1, 200, 1))));
        assertFalse(channel.finish());
    }

    @Test
    void extendedTimestampOnEveryChunk() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        byte[] bytes = encode(channel, message(6, 9, 1, 0x0100_0000L, 300));
        assertEquals(1 + 11 + 4 + 128 + (1 + 4 + 128) + (1 + 4 + 44), bytes.length);
        assertEquals("06ffffff00012c0901000000" + "01000000", hex(bytes).substring(0, 32));
        assertEquals("c6" + "01000000", hex(bytes).substring(2 * 144, 2 * 149));
        assertEquals("c6" + "01000000", hex(bytes).substring(2 * 277, 2 * 282));
        assertFalse(channel.finish());
    }

    @Test
    void longChunkStreamIds() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        assertEquals("0000", hex(encode(channel, message(64, 18, 0, 0, 0))).substring(0, 4));
        assertEquals("00ff", hex(encode(channel, message(319, 18, 0, 0, 0))).substring(0, 4));
        assertEquals("010001", hex(encode(channel, message(320, 18, 0, 0, 0))).substring(0, 6));
        assertEquals("01ffff", hex(encode(channel, message(65_599, 18, 0, 0, 0))).substring(0, 6));
        assertFalse(channel.finish());
    }

    @Test
    void setChunkSizeAppliesToTheMessagesAfterIt() {
        RtmpChunkEncoder encoder = new RtmpChunkEncoder();
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        assertEquals(1 + 11 + 4, encode(channel, ProtocolControl.setChunkSize(4096)).length);
        assertEquals(4096, encoder.chunkSize());
        assertEquals(1 + 11 + 4000, encode(channel, message(6, 9, 1, 0, 4000)).length);
        assertFalse(channel.finish());
    }

    @Test
    void refusesWhatTheLengthFieldCannotCarry() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkEncoder());
        RtmpMessage huge = new RtmpMessage(6, 9, 1, 0, Unpooled.buffer(0x100_0000).writeZero(0x100_0000));
        assertThrows(EncoderException.class, () -> channel.writeOutbound(huge));
        assertEquals(0, huge.refCnt());
        assertFalse(channel.finish());
    }

    /** Random messages through our encoder and decoder, with chunk size changes, wraps and extended fields. */
    @Test
    void roundTripThroughTheDecoder() {
        Random random = new Random(42);
        EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder());
        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
        EmbeddedChannel decoderChannel = new EmbeddedChannel(decoder);
        int[] csids = {3, 4, 5, 6, 64, 300, 320, 65_599};
        long[] clock = new long[csids.length];
        clock[1] = 0xFFFF_F000L;       // crosses 2^32
        clock[2] = 0xFF_FF00L;         // crosses into extended timestamps
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            if (random.nextInt(100) == 0) {
                int size = new int[] {50, 128, 4096, 60_000}[random.nextInt(4)];
                encoder.writeOutbound(ProtocolControl.setChunkSize(size));
                continue;
            }
            int k = random.nextInt(csids.length);
            clock[k] += random.nextInt(10) == 0 ? random.nextInt(0x200_0000) : random.nextInt(3) * 20;
            int length = random.nextInt(10) == 0 ? random.nextInt(20_000) : random.nextInt(3) * 7;
            int type = random.nextBoolean() ? 8 : 9;
            int msid = random.nextInt(20) == 0 ? 2 : 1;
            RtmpMessage m = message(csids[k], type, msid, clock[k], length);
            expected.add(Chunks.describe(m));
            encoder.writeOutbound(m);
        }
        ByteBuf wire = Unpooled.buffer();
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            wire.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + random.nextInt(3000));
            decoderChannel.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
            i += n;
        }
        assertEquals(expected, Chunks.drain(decoderChannel));
        assertFalse(encoder.finish());
        assertFalse(decoderChannel.finish());
    }

    static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
