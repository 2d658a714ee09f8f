package io.aqueduct.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Releases what it allocates; run only by {@link NettyLeakCheckTest}. */
class TidyFixture {
    @Test
    void releasesItsBuffer() {
        ByteBuf buf = Unpooled.directBuffer(64).writeLong(42);
        buf.release();
    }
}
