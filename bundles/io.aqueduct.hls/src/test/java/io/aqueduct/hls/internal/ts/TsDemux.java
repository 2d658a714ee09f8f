package io.aqueduct.hls.internal.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little transport stream reader for the tests: checks sync bytes, 188-byte packets and continuity
 * counters, and reassembles each PID's payload units (PES packets or PSI sections).
 */
final class TsDemux {
    /** One payload unit as it was carried. */
    record Unit(int pid, byte[] data, boolean randomAccess, long pcrBase, int packets) {
        boolean hasPcr() {
            return pcrBase >= 0;
        }
    }

    final List<Unit> units = new ArrayList<>();
    final Map<Integer, Integer> packetsPerPid = new LinkedHashMap<>();

    static TsDemux parse(byte[] ts) {
        TsDemux d = new TsDemux();
        d.read(ts);
        return d;
    }

    private void read(byte[] ts) {
        assertEquals(0, ts.length % TsSegmentWriter.PACKET_SIZE, "stream length is not a multiple of 188");
        Map<Integer, Integer> lastCc = new LinkedHashMap<>();
        Map<Integer, ByteArrayOutputStream> open = new LinkedHashMap<>();
        Map<Integer, long[]> openInfo = new LinkedHashMap<>(); // {randomAccess, pcrBase, packets}
        for (int off = 0; off < ts.length; off += TsSegmentWriter.PACKET_SIZE) {
            assertEquals(0x47, ts[off] & 0xff, "sync byte at " + off);
            int pid = ((ts[off + 1] & 0x1f) << 8) | (ts[off + 2] & 0xff);
            boolean start = (ts[off + 1] & 0x40) != 0;
            int afc = (ts[off + 3] >> 4) & 3;
            int cc = ts[off + 3] & 0x0f;
            assertTrue(afc == 1 || afc == 3, "adaptation_field_control " + afc + " at " + off);
            Integer prev = lastCc.put(pid, cc);
            if (prev != null) {
                assertEquals((prev + 1) & 0x0f, cc, "continuity counter of PID " + pid + " at " + off);
            }
            packetsPerPid.merge(pid, 1, Integer::sum);
            int p = off + 4;
            boolean rai = false;
            long pcr = -1;
            if (afc == 3) {
                int len = ts[p] & 0xff;
                assertTrue(len <= 183, "adaptation field length " + len);
                if (len > 0) {
                    int flags = ts[p + 1] & 0xff;
                    rai = (flags & 0x40) != 0;
                    if ((flags & 0x10) != 0) {
                        pcr = ((ts[p + 2] & 0xffL) << 25) | ((ts[p + 3] & 0xffL) << 17) | ((ts[p + 4] & 0xffL) << 9)
                                | ((ts[p + 5] & 0xffL) << 1) | ((ts[p + 6] & 0x80) >> 7);
                    }
                    for (int i = p + 2 + ((flags & 0x10) != 0 ? 6 : 0); i <= p + len; i++) {
                        assertEquals(0xff, ts[i] & 0xff, "stuffing byte at " + i);
                    }
                }
                p += 1 + len;
            }
            if (start) {
                flush(pid, open, openInfo);
                open.put(pid, new ByteArrayOutputStream());
                openInfo.put(pid, new long[] {rai ? 1 : 0, pcr, 0});
            } else {
                assertTrue(!rai && pcr < 0, "RAI or PCR outside the first packet of a unit at " + off);
            }
            ByteArrayOutputStream unit = open.get(pid);
            if (unit == null) {
                fail("payload of PID " + pid + " before a unit start at " + off);
            }
            unit.write(ts, p, off + TsSegmentWriter.PACKET_SIZE - p);
            openInfo.get(pid)[2]++;
        }
        for (Integer pid : new ArrayList<>(open.keySet())) {
            flush(pid, open, openInfo);
        }
    }

    private void flush(int pid, Map<Integer, ByteArrayOutputStream> open, Map<Integer, long[]> info) {
        ByteArrayOutputStream unit = open.remove(pid);
        if (unit != null) {
            long[] i = info.remove(pid);
            units.add(new Unit(pid, unit.toByteArray(), i[0] == 1, i[1], (int) i[2]));
        }
    }

    List<Unit> units(int pid) {
        return units.stream().filter(u -> u.pid() == pid).toList();
    }

    /** A parsed PES packet. */
    record Pes(int streamId, int packetLength, long pts, long dts, byte[] payload) {
    }

    static Pes pes(byte[] unit) {
        assertEquals(0, unit[0]);
        assertEquals(0, unit[1]);
        assertEquals(1, unit[2]);
        int streamId = unit[3] & 0xff;
        int length = ((unit[4] & 0xff) << 8) | (unit[5] & 0xff);
        int flags = unit[7] & 0xff;
        int headerLength = unit[8] & 0xff;
        long pts = -1;
        long dts = -1;
        if ((flags & 0x80) != 0) {
            pts = timestamp(unit, 9);
            dts = pts;
        }
        if ((flags & 0x40) != 0) {
            dts = timestamp(unit, 14);
        }
        int start = 9 + headerLength;
        if (length != 0) {
            assertEquals(unit.length, 6 + length, "PES_packet_length against the bytes carried");
        }
        int end = length == 0 ? unit.length : 6 + length;
        byte[] payload = java.util.Arrays.copyOfRange(unit, start, end);
        return new Pes(streamId, length, pts, dts, payload);
    }

    static long timestamp(byte[] b, int p) {
        assertEquals(1, b[p] & 1, "marker bit");
        assertEquals(1, b[p + 2] & 1, "marker bit");
        assertEquals(1, b[p + 4] & 1, "marker bit");
        return ((b[p] & 0x0eL) << 29) | ((b[p + 1] & 0xffL) << 22) | ((b[p + 2] & 0xfeL) << 14)
                | ((b[p + 3] & 0xffL) << 7) | ((b[p + 4] & 0xfeL) >> 1);
    }
}
