package io.aqueduct.rtmp.internal.chunk;

import static io.aqueduct.rtmp.internal.chunk.Chunks.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RtmpChunkDecoderTest {
    private static final long BIG = 0xFFFFFF + 5L;

    /** Every header form and rule in one stream, written by hand. */
    private static byte[] stream() {
        Chunks c = new Chunks();
        c.type0(3, 1000, 10, 20, 0).data(10, 1);                 // a: type 0
        c.type0(4, 0, 200, 8, 1).data(128, 2);                   // b: first chunk of 200 bytes ...
        c.type1(3, 10, 5, 18).data(5, 3);                        // c: ... interleaved with a type 1 on csid 3
        c.type3(4).data(72, 2 + 128);                            // b: continuation
        c.type2(3, 20).data(5, 4);                               // d: type 2
        c.type3(3).data(5, 5);                                   // e: type 3 starts a message, delta repeats
        c.type0(70, BIG, 130, 9, 1).data(128, 6);                // f: 2-byte basic header, extended timestamp
        c.type3(70).ext(BIG).data(2, 6 + 128);                   //    continuation repeats the extended field
        c.type0(400, 5, 0, 18, 0);                               // g: 3-byte basic header, empty message
        c.type0(2, 0, 4, RtmpConstants.TYPE_SET_CHUNK_SIZE, 0).int32(256);
        c.type1(4, 40, 300, 8).data(256, 7);                     // h: 256-byte chunks now
        c.type3(4).data(44, 7 + 256);
        c.type0(6, 7, 300, 9, 1).data(256, 8);                   // i: aborted after its first chunk
        c.type0(2, 0, 4, RtmpConstants.TYPE_ABORT, 0).int32(6);
        c.type0(6, 8, 3, 9, 1).data(3, 9);                       //    and a fresh message on the same csid
        c.type3(70).ext(BIG).data(130, 10);                      // j: type 3 after an extended type 0:
                                                                 //    delta = the type 0 timestamp (5.3.1.2.4)
        return c.toArray();
    }

    private static final List<String> EXPECTED = List.of(
            describe(3, 20, 0, 1000, 10, 1),
            describe(3, 18, 0, 1010, 5, 3),
            describe(4, 8, 1, 0, 200, 2),
            describe(3, 18, 0, 1030, 5, 4),
            describe(3, 18, 0, 1050, 5, 5),
            describe(70, 9, 1, BIG, 130, 6),
            describe(400, 18, 0, 5, 0, 0),
            describe(4, 8, 1, 40, 300, 7),
            describe(6, 9, 1, 8, 3, 9),
            describe(70, 9, 1, 2 * BIG, 130, 10));

    @Test
    void wholeInput() {
        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] bytes = stream();
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertEquals(EXPECTED, Chunks.drain(channel));
        assertEquals(256, decoder.chunkSize());
        assertEquals(bytes.length, decoder.bytesReceived());
        assertFalse(channel.finish());
    }

    @Test
    void splitAtEveryByte() {
        byte[] bytes = stream();
        for (int cut = 1; cut < bytes.length; cut++) {
            EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            assertEquals(EXPECTED, Chunks.drain(channel), "split at " + cut);
            assertFalse(channel.finish());
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] bytes = stream();
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());
        for (int i = 0; i < bytes.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        }
        assertEquals(EXPECTED, Chunks.drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void timestampsUnwrapPast32Bits() {
        Chunks c = new Chunks();
        c.type0(4, 0xFFFF_FFF0L, 1, 8, 1).data(1, 0);
        c.type2(4, 0x20).data(1, 0);        // crosses 2^32 by delta
        c.type0(4, 0x30, 1, 8, 1).data(1, 0); // absolute, already wrapped on the wire
        c.type0(4, 0x10, 1, 8, 1).data(1, 0); // a small step back stays after the wrap
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(c.toArray()));
        List<Long> timestamps = new java.util.ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            timestamps.add(((RtmpMessage) o).timestamp());
            ((RtmpMessage) o).release();
        }
        assertEquals(List.of(0xFFFF_FFF0L, 0x1_0000_0010L, 0x1_0000_0030L, 0x1_0000_0010L), timestamps);
        assertFalse(channel.finish());
    }

    @Test
    void aPartialMessageIsReleasedOnClose() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());
        Chunks c = new Chunks().type0(4, 0, 1000, 8, 1).data(128, 0).type3(4).data(50, 0);
        channel.writeInbound(Unpooled.wrappedBuffer(c.toArray()));
        assertFalse(channel.finish()); // the leak check fails the class if the partial buffer survives
    }

    @Test
    void messageOverTheLimit() {
        assertCloses(new RtmpChunkLimits(1000, 1 << 20, 8, 4000), "1001 bytes (type 9) on chunk stream 6 exceeds the limit of 1000",
                c -> c.type0(6, 0, 1001, 9, 1).data(128, 0));
    }

    @Test
    void absurdChunkSizes() {
        assertCloses(RtmpChunkLimits.DEFAULT, "Set Chunk Size of 2147483647 exceeds the limit of 16777216",
                c -> c.type0(2, 0, 4, 1, 0).int32(0x7FFF_FFFF));
        assertCloses(RtmpChunkLimits.DEFAULT, "Set Chunk Size of 0 is outside",
                c -> c.type0(2, 0, 4, 1, 0).int32(0));
        assertCloses(RtmpChunkLimits.DEFAULT, "Set Chunk Size of 2147483648 is outside",
                c -> c.type0(2, 0, 4, 1, 0).int32(0x8000_0000));
        assertCloses(RtmpChunkLimits.DEFAULT, "Set Chunk Size payload of 2 bytes",
                c -> c.type0(2, 0, 2, 1, 0).bytes(0, 1));
    }

    @Test
    void chunkStreamIdFlood() {
        assertCloses(new RtmpChunkLimits(1000, 1 << 20, 8, 4000), "more than 8 chunk streams", c -> {
            for (int csid = 100; csid < 110; csid++) {
                c.type0(csid, 0, 0, 18, 0);
            }
        });
    }

    @Test
    void headersThatNeedStateThatIsNotThere() {
        assertCloses(RtmpChunkLimits.DEFAULT, "chunk stream 5 starts with a type 2 header", c -> c.type2(5, 1));
        assertCloses(RtmpChunkLimits.DEFAULT, "chunk stream 5 starts with a type 3 header", c -> c.type3(5));
    }

    @Test
    void newHeaderWhileAMessageIsIncomplete() {
        assertCloses(RtmpChunkLimits.DEFAULT, "type 0 header on chunk stream 4 while its message is incomplete",
                c -> c.type0(4, 0, 200, 8, 1).data(128, 0).type0(4, 0, 200, 8, 1));
    }

    @Test
    void interleavedPartialMessagesAreBounded() {
        assertCloses(new RtmpChunkLimits(1000, 1 << 20, 8, 1500), "incomplete messages exceed 1500 bytes", c -> {
            for (int round = 0; round < 2; round++) {
                for (int csid = 3; csid < 9; csid++) {
                    if (round == 0) {
                        c.type0(csid, 0, 1000, 9, 1);
                    } else {
                        c.type3(csid);
                    }
                    c.data(128, 0);
                }
            }
        });
    }

    @Test
    void bytesAfterAnErrorAreIgnored() {
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder());
        byte[] bad = new Chunks().type2(5, 1).data(100, 0).toArray();
        assertThrows(RtmpProtocolException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(bad)));
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    private static void assertCloses(RtmpChunkLimits limits, String reason, Consumer<Chunks> content) {
        Chunks c = new Chunks();
        content.accept(c);
        byte[] bytes = c.toArray();
        // whole, and fed one byte at a time: the same error either way
        for (boolean split : new boolean[] {false, true}) {
            EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder(limits), new Chunks.Releaser());
            RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> {
                if (split) {
                    for (int i = 0; i < bytes.length; i++) {
                        channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
                    }
                } else {
                    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
                }
            });
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            assertFalse(channel.isOpen(), "closed on " + reason);
            assertFalse(channel.finish());
        }
    }
}
