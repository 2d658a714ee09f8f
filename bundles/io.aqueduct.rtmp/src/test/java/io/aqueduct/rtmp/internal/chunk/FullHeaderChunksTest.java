package io.aqueduct.rtmp.internal.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Chunks made once for many players must read back as the same messages, on any connection. */
class FullHeaderChunksTest {

    @Test
    void readBackAsTheSameMessagesWholeAndSplitAtEveryByte() {
        byte[] big = new byte[1000]; // 8 chunks of the default 128 bytes
        new Random(7).nextBytes(big);
        long[] timestamps = {0, 40, 0xFFFFFEL, 0xFFFFFFL, 0x1_2345_678L & 0xFFFF_FFFFL};
        ByteBuf wire = Unpooled.buffer();
        for (long ts : timestamps) {
            RtmpMessage m = new RtmpMessage(RtmpConstants.CSID_VIDEO, RtmpConstants.TYPE_VIDEO, 1, ts,
                    Unpooled.wrappedBuffer(big));
            ByteBuf chunks = RtmpChunkEncoder.encodeFullHeader(ByteBufAllocator.DEFAULT, m, RtmpConstants.DEFAULT_CHUNK_SIZE);
            m.release();
            wire.writeBytes(chunks);
            chunks.release();
        }
        for (int split = 1; split < wire.readableBytes(); split += 37) {
            EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkDecoder());
            ch.writeInbound(wire.retainedSlice(0, split));
            ch.writeInbound(wire.retainedSlice(split, wire.readableBytes() - split));
            for (long ts : timestamps) {
                RtmpMessage back = ch.readInbound();
                assertEquals(ts, back.timestamp(), "timestamp, split at " + split);
                assertEquals(RtmpConstants.TYPE_VIDEO, back.typeId());
                assertEquals(1, back.messageStreamId());
                assertEquals(ByteBufUtil.hexDump(big), ByteBufUtil.hexDump(back.content()));
                back.release();
            }
            assertNull(ch.readInbound());
            ch.finishAndReleaseAll();
        }
        wire.release();
    }
}
