package io.aqueduct.testing;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Leaks a buffer on purpose; run only by {@link NettyLeakCheckTest} (the name keeps Surefire off it). */
class LeakyFixture {
    @Test
    void leaksABuffer() {
        Unpooled.directBuffer(64).writeLong(42); // never released
    }
}
