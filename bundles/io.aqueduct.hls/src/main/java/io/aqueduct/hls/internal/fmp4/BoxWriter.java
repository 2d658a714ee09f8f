package io.aqueduct.hls.internal.fmp4;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte array for writing ISO base media file format boxes (ISO/IEC 14496-12 4.2).
 *
 * <p>A box is opened with {@link #start} (or {@link #startFull}), which writes a placeholder size, and closed with
 * {@link #end}, which writes the real size: so nested boxes never need their sizes worked out in advance.
 */
final class BoxWriter {
    private byte[] buf;
    private int size;

    BoxWriter(int capacity) {
        buf = new byte[Math.max(capacity, 64)];
    }

    /** Opens a box of {@code type}; returns its offset for {@link #end(int)}. */
    int start(String type) {
        int at = size;
        u32(0);
        fourcc(type);
        return at;
    }

    /** Opens a full box: a box whose body starts with a version byte and 24 bits of flags. */
    int startFull(String type, int version, int flags) {
        int at = start(type);
        u8(version);
        u24(flags);
        return at;
    }

    /** Closes the box opened at {@code at}: its size is everything written since. */
    void end(int at) {
        setU32(at, size - at);
    }

    BoxWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    BoxWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    BoxWriter u24(int v) {
        ensure(3);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    /** The low 32 bits of {@code v} (so unsigned 32-bit values fit). */
    BoxWriter u32(long v) {
        ensure(4);
        setU32(size, v);
        size += 4;
        return this;
    }

    BoxWriter u64(long v) {
        ensure(8);
        setU64(size, v);
        size += 8;
        return this;
    }

    /** A four-character code, such as a box type or a brand. */
    BoxWriter fourcc(String code) {
        byte[] b = code.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4) {
            throw new IllegalArgumentException("four-character code expected: '" + code + "'");
        }
        return bytes(b);
    }

    BoxWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** The readable bytes of {@code b}, without moving its reader index. */
    BoxWriter bytes(ByteBuf b) {
        int n = b.readableBytes();
        ensure(n);
        b.getBytes(b.readerIndex(), buf, size, n);
        size += n;
        return this;
    }

    BoxWriter zeros(int n) {
        ensure(n);
        size += n; // the array is zeroed when allocated and never reused
        return this;
    }

    /** Overwrites the 32 bits at {@code pos} (a field whose value was not known when it was written). */
    void setU32(int pos, long v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    void setU64(int pos, long v) {
        setU32(pos, v >>> 32);
        setU32(pos + 4, v);
    }

    int size() {
        return size;
    }

    /** Bytes the array holds now; {@link #toByteArray()} copies unless this equals {@link #size()}. */
    int capacity() {
        return buf.length;
    }

    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) size + n);
            if (wanted > Integer.MAX_VALUE - 8) {
                if ((long) size + n > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("MP4 output over 2 GiB");
                }
                wanted = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
