package io.aqueduct.rtmp.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.rtmp.internal.chunk.RtmpChunkDecoder;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.chunk.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

class RtmpHandshakeTest {
    private static final int N = RtmpHandshake.BLOCK_SIZE;
    /** The keys as published (librtmp, nginx-rtmp), written out here so the test does not trust our constants. */
    private static final byte[] TAIL = ByteBufUtil.decodeHexDump(
            "f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");
    private static final byte[] FP_KEY_30 = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FMS_KEY_36 = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

    private static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private static byte[] plainC1(Random random) {
        byte[] c1 = new byte[N];
        random.nextBytes(c1);
        Arrays.fill(c1, 0, 8, (byte) 0);
        return c1;
    }

    private static byte[] readAll(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    private static ByteBuf bytes(int c0, byte[] block) {
        return Unpooled.buffer().writeByte(c0).writeBytes(block);
    }

    /** A chunk: Set Chunk Size is consumed by the decoder, so send a small command message instead. */
    private static final byte[] FIRST_CHUNK = ByteBufUtil.decodeHexDump("030000000000021400000000" + "0a0b");

    @Test
    void plainHandshakeThenTheChunkDecoderTakesOver() {
        Random random = new Random(1);
        Events events = new Events();
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpServerHandshakeHandler(), new RtmpChunkDecoder(), events);
        byte[] c1 = plainC1(random);
        channel.writeInbound(bytes(3, c1));
        byte[] answer = readAll(channel);
        assertEquals(1 + 2 * N, answer.length);
        assertEquals(3, answer[0]);
        assertArrayEquals(new byte[8], Arrays.copyOfRange(answer, 1, 9), "S1 time 0, zero field");
        assertArrayEquals(c1, Arrays.copyOfRange(answer, 1 + N, 1 + 2 * N), "S2 echoes C1");
        assertTrue(events.events.isEmpty());

        // C2 (an echo of S1) and the first chunk in one read: the chunk must reach the decoder
        ByteBuf c2AndChunk = Unpooled.buffer().writeBytes(answer, 1, N).writeBytes(FIRST_CHUNK);
        channel.writeInbound(c2AndChunk);
        assertEquals(List.of(new RtmpHandshakeComplete(false)), events.events);
        assertNull(channel.pipeline().get(RtmpServerHandshakeHandler.class));
        RtmpMessage message = channel.readInbound();
        assertNotNull(message);
        assertEquals(20, message.typeId());
        assertEquals("0a0b", ByteBufUtil.hexDump(message.content()));
        message.release();
        assertFalse(channel.finish());
    }

    @Test
    void truncatedInputWaits() {
        byte[] c1 = plainC1(new Random(2));
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpServerHandshakeHandler());
        ByteBuf whole = bytes(3, c1);
        for (int i = 0; i < whole.readableBytes() - 1; i += 500) {
            channel.writeInbound(whole.retainedSlice(i, Math.min(500, whole.readableBytes() - 1 - i)));
            assertNull(channel.readOutbound(), "no answer before C1 is complete");
            assertTrue(channel.isOpen());
        }
        channel.writeInbound(whole.retainedSlice(whole.readableBytes() - 1, 1));
        whole.release();
        assertEquals(1 + 2 * N, readAll(channel).length);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[N - 1]));
        assertNotNull(channel.pipeline().get(RtmpServerHandshakeHandler.class), "waits for the last byte of C2");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
        assertNull(channel.pipeline().get(RtmpServerHandshakeHandler.class));
        assertFalse(channel.finish());
    }

    @Test
    void garbageVersionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpServerHandshakeHandler());
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("unsupported RTMP version 71 (0x47) in C0"), e.getMessage());
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());

        EmbeddedChannel rtmpe = new EmbeddedChannel(new RtmpServerHandshakeHandler());
        e = assertThrows(RtmpProtocolException.class, () -> rtmpe.writeInbound(Unpooled.wrappedBuffer(new byte[] {6})));
        assertTrue(e.getMessage().contains("RTMPE"), e.getMessage());
        assertFalse(rtmpe.isOpen());
        assertFalse(rtmpe.finish());
    }

    @Test
    void digestHandshakeAtOffsetEight() throws Exception {
        digestHandshake(8);
    }

    @Test
    void digestHandshakeAtOffset772() throws Exception {
        digestHandshake(772);
    }

    /** Builds a Flash Player 9 style C1 from the published algorithm and checks S1 and S2 the way clients do. */
    private static void digestHandshake(int base) throws Exception {
        Random random = new Random(base);
        byte[] c1 = new byte[N];
        random.nextBytes(c1);
        Arrays.fill(c1, 0, 4, (byte) 0);
        c1[4] = (byte) 0x80; c1[5] = 0x00; c1[6] = 0x07; c1[7] = 0x02; // player version 128.0.7.2
        int clientOffset = offset(c1, base);
        byte[] clientDigest = digestWithout(c1, clientOffset, FP_KEY_30);
        System.arraycopy(clientDigest, 0, c1, clientOffset, 32);

        Events events = new Events();
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpServerHandshakeHandler(), events);
        channel.writeInbound(bytes(3, c1));
        byte[] answer = readAll(channel);
        assertEquals(1 + 2 * N, answer.length);
        byte[] s1 = Arrays.copyOfRange(answer, 1, 1 + N);
        byte[] s2 = Arrays.copyOfRange(answer, 1 + N, 1 + 2 * N);
        assertFalse(s1[4] == 0 && s1[5] == 0 && s1[6] == 0 && s1[7] == 0, "S1 carries a server version");

        int serverOffset = offset(s1, base);
        assertArrayEquals(digestWithout(s1, serverOffset, FMS_KEY_36),
                Arrays.copyOfRange(s1, serverOffset, serverOffset + 32), "S1 digest with the FMS key");

        byte[] fullFmsKey = concat(FMS_KEY_36, TAIL);
        byte[] s2Key = hmac(fullFmsKey, clientDigest);
        assertArrayEquals(hmac(s2Key, Arrays.copyOf(s2, N - 32)), Arrays.copyOfRange(s2, N - 32, N),
                "S2 signed with the key derived from the client digest");

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[N]));
        assertEquals(List.of(new RtmpHandshakeComplete(true)), events.events);
        assertFalse(channel.finish());
    }

    @Test
    void aVersionedC1WithoutAValidDigestGetsThePlainAnswer() {
        byte[] c1 = plainC1(new Random(3));
        c1[4] = 9;
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpServerHandshakeHandler());
        channel.writeInbound(bytes(3, c1));
        byte[] answer = readAll(channel);
        assertArrayEquals(c1, Arrays.copyOfRange(answer, 1 + N, 1 + 2 * N));
        assertFalse(channel.finish());
    }

    @Test
    void clientAndServerShakeHands() {
        Events clientEvents = new Events();
        Events serverEvents = new Events();
        EmbeddedChannel client = new EmbeddedChannel(new RtmpClientHandshakeHandler(), clientEvents);
        EmbeddedChannel server = new EmbeddedChannel(new RtmpServerHandshakeHandler(), serverEvents);
        byte[] c0c1 = readAll(client);
        assertEquals(1 + N, c0c1.length);
        assertEquals(3, c0c1[0]);
        server.writeInbound(Unpooled.wrappedBuffer(c0c1));
        byte[] s0s1s2 = readAll(server);
        // the client waits for all of S0, S1 and S2
        client.writeInbound(Unpooled.wrappedBuffer(s0s1s2, 0, 2000));
        assertEquals(0, readAll(client).length);
        client.writeInbound(Unpooled.wrappedBuffer(s0s1s2, 2000, s0s1s2.length - 2000));
        byte[] c2 = readAll(client);
        assertArrayEquals(Arrays.copyOfRange(s0s1s2, 1, 1 + N), c2, "C2 echoes S1");
        assertEquals(List.of(new RtmpHandshakeComplete(false)), clientEvents.events);
        assertNull(client.pipeline().get(RtmpClientHandshakeHandler.class));
        server.writeInbound(Unpooled.wrappedBuffer(c2));
        assertEquals(List.of(new RtmpHandshakeComplete(false)), serverEvents.events);
        assertFalse(client.finish());
        assertFalse(server.finish());
    }

    @Test
    void clientRefusesABadServerVersion() {
        EmbeddedChannel client = new EmbeddedChannel(new RtmpClientHandshakeHandler());
        readAll(client);
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> client.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x48})));
        assertTrue(e.getMessage().contains("in S0"), e.getMessage());
        assertFalse(client.isOpen());
        assertFalse(client.finish());
    }

    private static int offset(byte[] block, int base) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += block[base + i] & 0xFF;
        }
        return sum % 728 + base + 4;
    }

    private static byte[] digestWithout(byte[] block, int offset, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        mac.update(block, 0, offset);
        mac.update(block, offset + 32, block.length - offset - 32);
        return mac.doFinal();
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
