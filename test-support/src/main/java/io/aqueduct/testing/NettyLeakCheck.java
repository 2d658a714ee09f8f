package io.aqueduct.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer.
 *
 * <p>Registered for every test through JUnit's extension auto-detection (the parent pom turns it on), so no
 * test can forget it. It runs the leak detector at {@code PARANOID} (every buffer tracked) and installs a
 * detector factory that records reports instead of only logging them. Netty notices a leak when the leaked
 * buffer has been garbage collected and a later buffer is tracked, so after each class it collects garbage
 * and allocates a few buffers until the reference queue is drained or a short deadline passes.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        long deadline = System.nanoTime() + 500_000_000L;
        do {
            System.gc();
            // Tracking new buffers makes the detectors poll their reference queues and report.
            Unpooled.directBuffer(1).release();
            Unpooled.buffer(1).release();
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            pooled.release();
            Thread.sleep(20);
        } while (leaks().isEmpty() && System.nanoTime() < deadline);
        List<String> found = leaks();
        synchronized (LEAKS) {
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + found.size()
                    + " Netty buffer(s):\n" + String.join("\n\n", found));
        }
    }

    private static List<String> leaks() {
        synchronized (LEAKS) {
            return new ArrayList<>(LEAKS);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
            detector.setLeakListener((type, records) -> {
                synchronized (LEAKS) {
                    LEAKS.add(type + " leaked:" + records);
                }
            });
            return detector;
        }
    }
}
