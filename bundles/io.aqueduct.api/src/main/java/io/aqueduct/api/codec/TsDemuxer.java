package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * Splits an MPEG-2 transport stream (ISO/IEC 13818-1 2.4.3) into the payload units of each PID: PES packets and
 * PSI sections, handed to a consumer as they complete. Input may come in pieces of any size; a piece that ends
 * inside a TS packet is kept until the rest comes.
 *
 * <p>It reads untrusted bytes. A stream that breaks the format where nothing sensible can follow (a missing sync
 * byte, a reserved adaptation_field_control, an adaptation field longer than its packet or too short for its PCR,
 * a payload unit over the limit) throws {@link MalformedTsException} naming the offset; the demuxer has then
 * released what it held and refuses more input. Damage a receiver expects is counted, not thrown: a packet with
 * transport_error_indicator set or payload without a unit start is dropped ({@link #droppedPackets()}), a gap in a
 * PID's continuity counter drops that PID's unit in progress ({@link #continuityErrors()}), a repeated packet (the
 * same counter again) is dropped as the duplicate the standard allows.
 *
 * <p>Not thread-safe: one demuxer per stream, fed from one thread at a time.
 */
public final class TsDemuxer implements AutoCloseable {
    public static final int PACKET_SIZE = 188;
    public static final int SYNC_BYTE = 0x47;
    public static final int NULL_PID = 0x1fff;
    /** The default limit of one payload unit: a video frame of 8 MiB is more than any live stream sends. */
    public static final int DEFAULT_MAX_UNIT_BYTES = 8 << 20;

    private final ByteBufAllocator alloc;
    private final int maxUnitBytes;
    private final Consumer<TsPayloadUnit> units;
    private final PidState[] pids = new PidState[NULL_PID];
    /** The start of a packet that the last piece of input ended inside. */
    private final byte[] partial = new byte[PACKET_SIZE];
    private int partialLength;
    private long offset;
    private long continuityErrors;
    private long droppedPackets;
    private boolean failed;

    /** One PID's continuity counter and the unit it is reassembling. */
    private static final class PidState {
        int lastCc = -1;
        ByteBuf unit;
        boolean randomAccess;
        long pcrBase;
        int packets;
    }

    /**
     * @param maxUnitBytes the largest payload unit accepted
     * @param units told each unit as it completes; it takes over the unit's content
     */
    public TsDemuxer(ByteBufAllocator alloc, int maxUnitBytes, Consumer<TsPayloadUnit> units) {
        if (maxUnitBytes < PACKET_SIZE) {
            throw new IllegalArgumentException("a payload unit limit of " + maxUnitBytes + " bytes is below one packet");
        }
        this.alloc = alloc;
        this.maxUnitBytes = maxUnitBytes;
        this.units = units;
    }

    /**
     * Reads every readable byte of {@code in} (its reader index moves to the end; the caller keeps its reference).
     *
     * @throws MalformedTsException when the stream breaks the format; the demuxer is closed then
     * @throws IllegalStateException after an exception or {@link #close()}
     */
    public void feed(ByteBuf in) throws MalformedTsException {
        checkOpen();
        try {
            if (partialLength > 0) {
                int n = Math.min(PACKET_SIZE - partialLength, in.readableBytes());
                in.readBytes(partial, partialLength, n);
                partialLength += n;
                if (partialLength < PACKET_SIZE) {
                    return;
                }
                packet(Unpooled.wrappedBuffer(partial), 0);
                partialLength = 0;
            }
            while (in.readableBytes() >= PACKET_SIZE) {
                packet(in, in.readerIndex());
                in.skipBytes(PACKET_SIZE);
            }
            partialLength = in.readableBytes();
            in.readBytes(partial, 0, partialLength);
        } catch (MalformedTsException | RuntimeException e) {
            fail();
            throw e;
        }
    }

    /**
     * The end of the stream: hands out the units still open (the last unit of a PID has no unit start after it).
     *
     * @throws MalformedTsException when the stream ended inside a packet; the complete units were handed out first
     */
    public void finish() throws MalformedTsException {
        checkOpen();
        for (int pid = 0; pid < pids.length; pid++) {
            if (pids[pid] != null) {
                complete(pid, pids[pid]);
            }
        }
        if (partialLength > 0) {
            long at = offset;
            int n = partialLength;
            fail();
            throw new MalformedTsException("stream ends inside a packet: " + n + " of " + PACKET_SIZE
                    + " bytes at offset " + at);
        }
    }

    /** Releases the units in progress; further input is refused. */
    @Override
    public void close() {
        failed = true;
        for (PidState s : pids) {
            if (s != null && s.unit != null) {
                s.unit.release();
                s.unit = null;
            }
        }
    }

    /** Gaps in continuity counters seen so far, each costing its PID the unit in progress. */
    public long continuityErrors() {
        return continuityErrors;
    }

    /** Packets dropped: transport errors flagged, and payload with no unit start before it. */
    public long droppedPackets() {
        return droppedPackets;
    }

    private void checkOpen() {
        if (failed) {
            throw new IllegalStateException("the demuxer is closed (after malformed input or close())");
        }
    }

    private void fail() {
        close();
    }

    private void packet(ByteBuf b, int i) throws MalformedTsException {
        long at = offset;
        offset += PACKET_SIZE;
        int sync = b.getUnsignedByte(i);
        if (sync != SYNC_BYTE) {
            throw new MalformedTsException(String.format("sync byte 0x%02x at offset %d, expected 0x47", sync, at));
        }
        int b1 = b.getUnsignedByte(i + 1);
        int pid = (b1 & 0x1f) << 8 | b.getUnsignedByte(i + 2);
        int b3 = b.getUnsignedByte(i + 3);
        int afc = (b3 >> 4) & 3;
        int cc = b3 & 0x0f;
        if ((b1 & 0x80) != 0) {
            droppedPackets++; // transport_error_indicator: nothing in it can be trusted, its PID included
            return;
        }
        if (pid == NULL_PID) {
            return;
        }
        if (afc == 0) {
            throw new MalformedTsException("adaptation_field_control 0 (reserved) in the packet at offset " + at);
        }
        int p = i + 4;
        boolean discontinuity = false;
        boolean randomAccess = false;
        long pcrBase = -1;
        if ((afc & 2) != 0) {
            int length = b.getUnsignedByte(p);
            int max = afc == 2 ? 183 : 182;
            if (length > max) {
                throw new MalformedTsException("adaptation field of " + length + " bytes in the packet at offset " + at
                        + " (at most " + max + ")");
            }
            if (length > 0) {
                int flags = b.getUnsignedByte(p + 1);
                discontinuity = (flags & 0x80) != 0;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    if (length < 7) {
                        throw new MalformedTsException("adaptation field of " + length + " bytes has no room for "
                                + "its PCR, in the packet at offset " + at);
                    }
                    pcrBase = b.getUnsignedInt(p + 2) << 1 | b.getUnsignedByte(p + 6) >> 7;
                }
            }
            p += 1 + length;
        }
        if ((afc & 1) == 0) {
            return; // adaptation field only: the continuity counter does not advance
        }
        PidState s = pids[pid];
        if (s == null) {
            s = pids[pid] = new PidState();
        }
        if (s.lastCc >= 0 && !discontinuity) {
            if (cc == s.lastCc) {
                return; // a duplicate packet (ISO/IEC 13818-1 2.4.3.3): the first one counts
            }
            if (cc != ((s.lastCc + 1) & 0x0f)) {
                continuityErrors++;
                if (s.unit != null) {
                    s.unit.release();
                    s.unit = null;
                }
            }
        }
        s.lastCc = cc;
        boolean unitStart = (b1 & 0x40) != 0;
        if (unitStart) {
            complete(pid, s);
            s.unit = alloc.buffer(Math.min(maxUnitBytes, 4 * PACKET_SIZE));
            s.randomAccess = randomAccess;
            s.pcrBase = pcrBase;
            s.packets = 0;
        } else if (s.unit == null) {
            droppedPackets++;
            return;
        }
        int n = i + PACKET_SIZE - p;
        if (s.unit.readableBytes() + n > maxUnitBytes) {
            throw new MalformedTsException("payload unit of PID " + pid + " exceeds " + maxUnitBytes
                    + " bytes at offset " + at);
        }
        s.unit.writeBytes(b, p, n);
        s.packets++;
    }

    private void complete(int pid, PidState s) {
        ByteBuf unit = s.unit;
        if (unit != null) {
            s.unit = null;
            units.accept(new TsPayloadUnit(pid, unit, s.randomAccess, s.pcrBase, s.packets));
        }
    }
}
