package io.aqueduct.hls.internal.playlist;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Immutable bytes of a segment or part, held off the heap: the servlet container writes a direct buffer to the
 * socket as it is, without copying it into a temporary direct buffer first, so serving costs one copy into the
 * kernel per response, as sendfile does for nginx.
 */
public final class Payload {
    private final ByteBuffer buffer;

    private Payload(ByteBuffer buffer) {
        this.buffer = buffer.asReadOnlyBuffer();
    }

    public static Payload copyOf(byte[] bytes) {
        return new Payload(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    }

    public static Payload copyOf(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocateDirect(bytes.remaining()).put(bytes.duplicate()).flip();
        return new Payload(copy);
    }

    /** One payload holding the given ones back to back. */
    public static Payload concat(List<Payload> parts) {
        int size = 0;
        for (Payload p : parts) {
            size += p.size();
        }
        ByteBuffer all = ByteBuffer.allocateDirect(size);
        for (Payload p : parts) {
            all.put(p.buffer());
        }
        return new Payload(all.flip());
    }

    /** A view of {@code length} bytes from {@code offset}, sharing the memory. */
    public Payload slice(int offset, int length) {
        return new Payload(buffer.slice(offset, length));
    }

    public int size() {
        return buffer.remaining();
    }

    /** The bytes, as a buffer of one's own (position and limit are the caller's). */
    public ByteBuffer buffer() {
        return buffer.duplicate();
    }

    public byte[] toArray() {
        byte[] out = new byte[size()];
        buffer().get(out);
        return out;
    }
}
