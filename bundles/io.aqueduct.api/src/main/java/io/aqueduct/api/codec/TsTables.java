package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The program tables of a transport stream (ISO/IEC 13818-1 2.4.4): which PID carries each program's map (PAT),
 * and which PIDs carry a program's elementary streams and its PCR (PMT). Each is read from a {@link TsPayloadUnit}
 * that holds one section after its pointer_field; the section's length, syntax and CRC_32 are checked.
 */
public final class TsTables {
    public static final int PAT_PID = 0x0000;
    public static final int TABLE_PAT = 0x00;
    public static final int TABLE_PMT = 0x02;
    public static final int STREAM_TYPE_AAC_ADTS = 0x0f;
    public static final int STREAM_TYPE_H264 = 0x1b;
    public static final int STREAM_TYPE_H265 = 0x24;

    private TsTables() {
    }

    /** One elementary stream of a program: its stream_type and PID. */
    public record ElementaryStream(int streamType, int pid) {
    }

    /** A program's map: the PID of its PCR and its elementary streams, in the order listed. */
    public record ProgramMap(int programNumber, int pcrPid, List<ElementaryStream> streams) {
        public ProgramMap {
            streams = List.copyOf(streams);
        }
    }

    /** The PAT: each program_number (0 is the network PID) and the PID of its map. */
    public static Map<Integer, Integer> programAssociation(ByteBuf unit) throws MalformedTsException {
        int[] body = section(unit, TABLE_PAT);
        Map<Integer, Integer> programs = new LinkedHashMap<>();
        for (int p = body[0]; p + 4 <= body[1]; p += 4) {
            programs.put(unit.getUnsignedShort(p), unit.getUnsignedShort(p + 2) & 0x1fff);
        }
        return programs;
    }

    /** A PMT. */
    public static ProgramMap programMap(ByteBuf unit) throws MalformedTsException {
        int[] body = section(unit, TABLE_PMT);
        int p = body[0];
        int end = body[1];
        if (end - p < 4) {
            throw new MalformedTsException("PMT section too short for its PCR_PID and program_info_length");
        }
        int pcrPid = unit.getUnsignedShort(p) & 0x1fff;
        int infoLength = unit.getUnsignedShort(p + 2) & 0x0fff;
        p += 4 + infoLength;
        List<ElementaryStream> streams = new ArrayList<>();
        while (p < end) {
            if (end - p < 5) {
                throw new MalformedTsException("PMT section ends inside an elementary stream entry");
            }
            int type = unit.getUnsignedByte(p);
            int pid = unit.getUnsignedShort(p + 1) & 0x1fff;
            int esInfo = unit.getUnsignedShort(p + 3) & 0x0fff;
            p += 5 + esInfo;
            if (p > end) {
                throw new MalformedTsException("ES_info_length " + esInfo + " overruns the PMT section");
            }
            streams.add(new ElementaryStream(type, pid));
        }
        return new ProgramMap(unit.getUnsignedShort(body[2]), pcrPid, streams);
    }

    /**
     * Checks the long-form section after the pointer_field and returns {start, end, tableIdExtensionIndex}: the
     * indexes of its body after last_section_number, up to its CRC_32.
     */
    private static int[] section(ByteBuf unit, int tableId) throws MalformedTsException {
        int start = unit.readerIndex();
        int available = unit.readableBytes();
        if (available < 1) {
            throw new MalformedTsException("empty PSI payload unit");
        }
        int s = start + 1 + unit.getUnsignedByte(start); // after the pointer_field and what it skips
        if (s + 3 > start + available) {
            throw new MalformedTsException("pointer_field " + unit.getUnsignedByte(start) + " leaves no section");
        }
        int id = unit.getUnsignedByte(s);
        if (id != tableId) {
            throw new MalformedTsException(String.format("table_id 0x%02x, expected 0x%02x", id, tableId));
        }
        int flags = unit.getUnsignedShort(s + 1);
        int length = flags & 0x0fff;
        if ((flags & 0x8000) == 0 || length > 1021 || length < 9) {
            throw new MalformedTsException("section_length " + length + " or section_syntax_indicator 0 is invalid "
                    + "for table 0x" + Integer.toHexString(tableId));
        }
        if (s + 3 + length > start + available) {
            throw new MalformedTsException("section of " + length + " bytes overruns its unit of " + available);
        }
        if (Crc32Mpeg2.compute(unit, s, 3 + length) != 0) {
            throw new MalformedTsException("CRC_32 of table 0x" + Integer.toHexString(tableId) + " does not match");
        }
        return new int[] {s + 8, s + 3 + length - 4, s + 3};
    }
}
