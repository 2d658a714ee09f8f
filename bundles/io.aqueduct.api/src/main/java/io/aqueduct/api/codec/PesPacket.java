package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;

/**
 * A PES packet (ISO/IEC 13818-1 2.4.3.6) read from a transport stream's payload unit.
 *
 * @param streamId stream_id (0xe0.. video, 0xc0.. audio)
 * @param packetLength PES_packet_length; 0 (unbounded) is allowed for video
 * @param pts presentation time stamp in 90 kHz ticks (33 bits), -1 without one
 * @param dts decoding time stamp, the PTS when only that is given, -1 without one
 * @param payload a slice of the unit after the PES header: valid while the unit is, not retained
 */
public record PesPacket(int streamId, int packetLength, long pts, long dts, ByteBuf payload) {

    /** Parses a PES packet from the reader index of {@code unit} (its indexes are not moved). */
    public static PesPacket parse(ByteBuf unit) throws MalformedTsException {
        int start = unit.readerIndex();
        int available = unit.readableBytes();
        if (available < 6 || unit.getUnsignedMedium(start) != 0x000001) {
            throw new MalformedTsException("payload unit of " + available + " bytes does not start with a PES "
                    + "packet_start_code_prefix");
        }
        int streamId = unit.getUnsignedByte(start + 3);
        int length = unit.getUnsignedShort(start + 4);
        if (length > available - 6) {
            throw new MalformedTsException("PES_packet_length " + length + " but the unit carries " + (available - 6)
                    + " bytes after the length");
        }
        int end = length == 0 ? start + available : start + 6 + length;
        if (!hasOptionalHeader(streamId)) {
            return new PesPacket(streamId, length, -1, -1, unit.slice(start + 6, end - start - 6));
        }
        if (end - start < 9) {
            throw new MalformedTsException("PES packet of " + (end - start) + " bytes ends inside its header");
        }
        if ((unit.getUnsignedByte(start + 6) & 0xc0) != 0x80) {
            throw new MalformedTsException("PES header does not start with the bits '10'");
        }
        int flags = unit.getUnsignedByte(start + 7) >> 6;
        int headerLength = unit.getUnsignedByte(start + 8);
        int payloadStart = start + 9 + headerLength;
        if (payloadStart > end) {
            throw new MalformedTsException("PES_header_data_length " + headerLength + " overruns the packet");
        }
        long pts = -1;
        long dts = -1;
        if (flags == 1) {
            throw new MalformedTsException("PTS_DTS_flags '01' is forbidden");
        }
        if (flags >= 2) {
            if (headerLength < (flags == 3 ? 10 : 5)) {
                throw new MalformedTsException("PES_header_data_length " + headerLength + " is too short for its "
                        + (flags == 3 ? "PTS and DTS" : "PTS"));
            }
            pts = timestamp(unit, start + 9);
            dts = flags == 3 ? timestamp(unit, start + 14) : pts;
        }
        return new PesPacket(streamId, length, pts, dts, unit.slice(payloadStart, end - payloadStart));
    }

    /** stream_ids whose packets have no optional PES header: program stream map, padding, private 2, ECM, EMM... */
    private static boolean hasOptionalHeader(int streamId) {
        return switch (streamId) {
            case 0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff -> false;
            default -> true;
        };
    }

    /** A 33-bit timestamp in its 5 bytes, with its three marker bits checked. */
    private static long timestamp(ByteBuf b, int p) throws MalformedTsException {
        int b0 = b.getUnsignedByte(p);
        int b2 = b.getUnsignedByte(p + 2);
        int b4 = b.getUnsignedByte(p + 4);
        if ((b0 & b2 & b4 & 1) == 0) {
            throw new MalformedTsException("a marker bit of a PES timestamp is 0");
        }
        return (b0 & 0x0eL) << 29 | (long) b.getUnsignedByte(p + 1) << 22 | (b2 & 0xfeL) << 14
                | (long) b.getUnsignedByte(p + 3) << 7 | (b4 & 0xfeL) >> 1;
    }
}
