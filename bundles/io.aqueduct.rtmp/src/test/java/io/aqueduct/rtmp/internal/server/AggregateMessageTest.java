package io.aqueduct.rtmp.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.rtmp.internal.flv.FlvException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateMessageTest {
    /** Two tags: video at 1000 ms (5 bytes), audio at 1023 ms (3 bytes), each with its back pointer. */
    private static final String TWO_TAGS = "09 000005 0003e8 00 000000 1701000000 00000010"
            + "08 000003 0003ff 00 000000 af0121 0000000e";

    private static ByteBuf body(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @Test
    void splitsIntoTagsWithTimestampsRelativeToTheMessage() throws Exception {
        List<String> tags = new ArrayList<>();
        ByteBuf body = body(TWO_TAGS);
        AggregateMessage.split(50_000, body, (type, ts, data) -> tags.add(type + "@" + ts + ":" + ByteBufUtil.hexDump(data)));
        body.release();
        assertEquals(List.of("9@50000:1701000000", "8@50023:af0121"), tags);
    }

    @Test
    void everyTruncationIsAClearErrorOrAShorterRun() {
        byte[] full = HexFormat.of().parseHex(TWO_TAGS.replace(" ", ""));
        for (int n = 1; n < full.length; n++) {
            ByteBuf cut = Unpooled.wrappedBuffer(full, 0, n);
            try {
                AggregateMessage.split(0, cut, (type, ts, data) -> { });
            } catch (FlvException e) {
                assertTrue(e.getMessage().startsWith("aggregate message"), e.getMessage());
            } finally {
                cut.release();
            }
        }
    }

    @Test
    void aTagLongerThanTheMessageIsRefused() {
        ByteBuf body = body("09 ffffff 000000 00 000000 17");
        FlvException e = assertThrows(FlvException.class, () -> AggregateMessage.split(0, body, (type, ts, data) -> { }));
        body.release();
        assertTrue(e.getMessage().contains("16777215 bytes overruns"), e.getMessage());
    }
}
