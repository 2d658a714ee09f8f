package io.aqueduct.hls.internal.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Just enough of an ISO BMFF reader to check what the muxer writes: boxes with their offsets, the containers the
 * muxer uses, and the sample entries' child boxes. Parsing asserts that every box fits its parent exactly.
 */
final class Mp4Box {
    /** Where the children of a box start, counted from the start of its body. */
    private static final Map<String, Integer> CHILDREN_AT = Map.ofEntries(
            Map.entry("moov", 0), Map.entry("trak", 0), Map.entry("mdia", 0), Map.entry("minf", 0),
            Map.entry("dinf", 0), Map.entry("stbl", 0), Map.entry("mvex", 0), Map.entry("moof", 0),
            Map.entry("traf", 0), Map.entry("mfra", 0),
            Map.entry("dref", 8), Map.entry("stsd", 8), // full box header and entry count
            Map.entry("avc1", 78), Map.entry("hvc1", 78), Map.entry("mp4a", 28)); // sample entry fields

    final String type;
    /** Offset of the box (its size field) in the parsed bytes. */
    final int offset;
    final int size;
    private final byte[] data;
    private final List<Mp4Box> children;

    private Mp4Box(byte[] data, int offset, int size, String type, List<Mp4Box> children) {
        this.data = data;
        this.offset = offset;
        this.size = size;
        this.type = type;
        this.children = children;
    }

    /** The top-level boxes of {@code data}, which they must fill exactly. */
    static List<Mp4Box> parse(byte[] data) {
        return parse(data, 0, data.length);
    }

    private static List<Mp4Box> parse(byte[] data, int from, int to) {
        List<Mp4Box> boxes = new ArrayList<>();
        int p = from;
        while (p < to) {
            assertTrue(to - p >= 8, "box header runs past its parent at " + p);
            long size = ByteBuffer.wrap(data, p, 4).getInt() & 0xffffffffL;
            String type = new String(data, p + 4, 4, StandardCharsets.US_ASCII);
            assertTrue(size >= 8 && p + size <= to, type + " at " + p + " has size " + size + ", parent ends at " + to);
            Integer childrenAt = CHILDREN_AT.get(type);
            List<Mp4Box> children = childrenAt == null ? List.of()
                    : parse(data, p + 8 + childrenAt, p + (int) size);
            boxes.add(new Mp4Box(data, p, (int) size, type, children));
            p += (int) size;
        }
        assertEquals(to, p);
        return boxes;
    }

    /** The first box of a path of types from here, such as {@code "trak/mdia/mdhd"}; fails when there is none. */
    Mp4Box child(String path) {
        Mp4Box box = this;
        for (String type : path.split("/")) {
            box = box.children.stream().filter(b -> b.type.equals(type)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " in " + this.type + " for " + path));
        }
        return box;
    }

    /** The children of one type, in order. */
    List<Mp4Box> all(String type) {
        return children.stream().filter(b -> b.type.equals(type)).toList();
    }

    boolean has(String type) {
        return children.stream().anyMatch(b -> b.type.equals(type));
    }

    List<String> childTypes() {
        return children.stream().map(b -> b.type).toList();
    }

    static Mp4Box first(List<Mp4Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type.equals(type)).findFirst()
                .orElseGet(() -> fail("no top-level " + type + " in " + boxes.stream().map(b -> b.type).toList()));
    }

    /** The body after the 8-byte header, big-endian, positioned at 0 (for a full box, at version and flags). */
    ByteBuffer body() {
        return ByteBuffer.wrap(data, offset + 8, size - 8).slice();
    }

    /** A full box's body after version and flags. */
    ByteBuffer fields() {
        return ByteBuffer.wrap(data, offset + 12, size - 12).slice();
    }

    byte[] bodyBytes() {
        byte[] b = new byte[size - 8];
        System.arraycopy(data, offset + 8, b, 0, b.length);
        return b;
    }

    int version() {
        return data[offset + 8] & 0xff;
    }

    int flags() {
        return ByteBuffer.wrap(data, offset + 8, 4).getInt() & 0xffffff;
    }

    static String fourcc(ByteBuffer b) {
        byte[] c = new byte[4];
        b.get(c);
        return new String(c, StandardCharsets.US_ASCII);
    }

    /** One sample of a trun. */
    record Sample(long duration, long size, int flags, int cts) {
    }

    /** A parsed trun: its data_offset (0 when absent) and samples. */
    record Trun(int version, int flags, int dataOffset, List<Sample> samples) {
        long totalDuration() {
            return samples.stream().mapToLong(Sample::duration).sum();
        }

        long totalSize() {
            return samples.stream().mapToLong(Sample::size).sum();
        }
    }

    Trun trun() {
        assertEquals("trun", type);
        int flags = flags();
        ByteBuffer b = fields();
        int count = b.getInt();
        int dataOffset = (flags & 0x1) != 0 ? b.getInt() : 0;
        if ((flags & 0x4) != 0) {
            b.getInt(); // first_sample_flags
        }
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long duration = (flags & 0x100) != 0 ? b.getInt() & 0xffffffffL : -1;
            long size = (flags & 0x200) != 0 ? b.getInt() & 0xffffffffL : -1;
            int sampleFlags = (flags & 0x400) != 0 ? b.getInt() : -1;
            int cts = (flags & 0x800) != 0 ? b.getInt() : 0;
            samples.add(new Sample(duration, size, sampleFlags, cts));
        }
        assertEquals(0, b.remaining(), "trun has bytes after its samples");
        return new Trun(version(), flags, dataOffset, samples);
    }

    /** tfdt's baseMediaDecodeTime, either version. */
    long tfdt() {
        assertEquals("tfdt", type);
        return version() == 1 ? fields().getLong() : fields().getInt() & 0xffffffffL;
    }
}
