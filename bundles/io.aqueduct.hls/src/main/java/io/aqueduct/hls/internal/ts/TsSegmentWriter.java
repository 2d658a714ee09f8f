package io.aqueduct.hls.internal.ts;

import io.aqueduct.api.codec.AacConfig;
import io.aqueduct.api.codec.AdtsHeader;
import io.aqueduct.api.codec.AnnexBWriter;
import io.aqueduct.api.codec.AvcDecoderConfig;
import io.aqueduct.api.codec.Crc32Mpeg2;
import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.codec.TsDemuxer;
import io.aqueduct.api.codec.TsTables;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Muxes one H.264 and/or one AAC track into MPEG-2 transport stream segments (ISO/IEC 13818-1), as HLS serves them
 * (RFC 8216 3.2).
 *
 * <p>Each segment starts with {@link #startSegment(ByteBuf)} (PAT and PMT, so it stands alone); then every packet
 * goes in with {@link #write(MediaPacket, ByteBuf)} as one PES packet. The PCR travels on the video PID (the audio
 * PID when there is no video) in the first TS packet of every PES packet of that PID; continuity counters run on
 * across segments, as they would in one continuous stream. Every TS packet is exactly {@value #PACKET_SIZE} bytes.
 *
 * <p>Not thread-safe: one writer per output stream. Packets are read, never released: the caller keeps ownership.
 */
public final class TsSegmentWriter {
    public static final int PACKET_SIZE = TsDemuxer.PACKET_SIZE;
    public static final int PAT_PID = TsTables.PAT_PID;
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x0100;
    public static final int AUDIO_PID = 0x0101;
    public static final int STREAM_TYPE_H264 = TsTables.STREAM_TYPE_H264;
    public static final int STREAM_TYPE_AAC_ADTS = TsTables.STREAM_TYPE_AAC_ADTS;

    static final int SYNC_BYTE = TsDemuxer.SYNC_BYTE;
    static final int STREAM_ID_VIDEO = 0xe0;
    static final int STREAM_ID_AUDIO = 0xc0;
    static final int PROGRAM_NUMBER = 1;
    private static final int TRANSPORT_STREAM_ID = 1;
    private static final int PAYLOAD_SIZE = PACKET_SIZE - 4;
    private static final byte[] STUFFING = new byte[PACKET_SIZE];

    static {
        Arrays.fill(STUFFING, (byte) 0xff);
    }

    private final Track video;
    private final Track audio;
    private final int pcrPid;
    private int patCc;
    private int pmtCc;
    private int videoCc;
    private int audioCc;
    private boolean started;

    // converters for the configuration of the latest packet's track; a new Track means a new configuration
    private Track annexBTrack;
    private AnnexBWriter annexB;
    private Track adtsTrack;
    private AdtsHeader adts;

    /**
     * A writer for the stream's tracks: at most one H.264 and one AAC track. Data tracks are ignored (their packets
     * are skipped).
     *
     * @throws IllegalArgumentException for another codec, two tracks of one kind, or no media track at all
     */
    public TsSegmentWriter(Collection<Track> tracks) {
        Track v = null;
        Track a = null;
        for (Track t : tracks) {
            if (t.mediaType() == MediaType.DATA) {
                continue;
            }
            if (t.codec() == Codec.H264 && v == null) {
                v = t;
            } else if (t.codec() == Codec.AAC && a == null) {
                a = t;
            } else {
                throw new IllegalArgumentException("MPEG-TS muxer takes one H.264 and one AAC track, not " + t);
            }
        }
        if (v == null && a == null) {
            throw new IllegalArgumentException("MPEG-TS muxer needs an H.264 or AAC track, got " + tracks);
        }
        this.video = v;
        this.audio = a;
        this.pcrPid = v != null ? VIDEO_PID : AUDIO_PID;
    }

    /** Starts a segment: writes PAT and PMT, so a player can start decoding here. */
    public void startSegment(ByteBuf out) {
        writeSection(out, PAT_PID, patCc, pat());
        patCc = (patCc + 1) & 0x0f;
        writeSection(out, PMT_PID, pmtCc, pmt());
        pmtCc = (pmtCc + 1) & 0x0f;
        started = true;
    }

    /**
     * Writes one packet as a PES packet. Packets of tracks this writer does not carry are skipped.
     *
     * @return whether the packet was written
     * @throws IllegalStateException before the first {@link #startSegment(ByteBuf)}
     * @throws IllegalArgumentException for a malformed payload or a configuration TS cannot carry; nothing is
     *     written then
     */
    public boolean write(MediaPacket packet, ByteBuf out) {
        if (!started) {
            throw new IllegalStateException("startSegment() must come before the first packet");
        }
        Track track = packet.track();
        if (video != null && track.id() == video.id() && track.codec() == Codec.H264) {
            List<ByteBuf> au = annexB(track).accessUnit(packet.content(), packet.isKeyframe());
            long pts = TsTimestamps.toTicks(packet.pts());
            long dts = TsTimestamps.toTicks(packet.dts());
            videoCc = writePes(out, VIDEO_PID, videoCc, STREAM_ID_VIDEO, pts, dts, packet.isKeyframe(), au);
            return true;
        }
        if (audio != null && track.id() == audio.id() && track.codec() == Codec.AAC) {
            ByteBuf header = Unpooled.buffer(AdtsHeader.LENGTH);
            adts(track).write(header, packet.size());
            long pts = TsTimestamps.toTicks(packet.pts());
            // audio is a random access point only where no video decides it
            audioCc = writePes(out, AUDIO_PID, audioCc, STREAM_ID_AUDIO, pts, pts, video == null,
                    List.of(header, packet.content()));
            return true;
        }
        return false;
    }

    private AnnexBWriter annexB(Track track) {
        if (!track.equals(annexBTrack)) {
            try {
                annexB = AnnexBWriter.of(AvcDecoderConfig.parse(track.config()));
            } catch (MalformedConfigException e) {
                throw new IllegalArgumentException("H.264 track " + track.id() + ": " + e.getMessage(), e);
            }
            annexBTrack = track;
        }
        return annexB;
    }

    private AdtsHeader adts(Track track) {
        if (!track.equals(adtsTrack)) {
            try {
                adts = AdtsHeader.of(AacConfig.parse(track.config()));
            } catch (MalformedConfigException e) {
                throw new IllegalArgumentException("AAC track " + track.id() + ": " + e.getMessage(), e);
            }
            adtsTrack = track;
        }
        return adts;
    }

    /** Writes a PES packet split into TS packets; returns the PID's next continuity counter. */
    private int writePes(ByteBuf out, int pid, int cc, int streamId, long pts, long dts, boolean randomAccess,
            List<ByteBuf> payload) {
        int payloadLength = 0;
        for (ByteBuf b : payload) {
            payloadLength += b.readableBytes();
        }
        List<ByteBuf> parts = new ArrayList<>(payload.size() + 1);
        parts.add(pesHeader(streamId, pts, dts, payloadLength));
        parts.addAll(payload);
        int remaining = payloadLength + parts.get(0).readableBytes();

        boolean first = true;
        int part = 0;
        while (remaining > 0) {
            boolean pcr = first && pid == pcrPid;
            boolean rai = first && randomAccess;
            // adaptation field bytes after its length byte; -1 for none
            int adaptation = pcr || rai ? 1 + (pcr ? 6 : 0) : -1;
            int space = PAYLOAD_SIZE - (adaptation < 0 ? 0 : 1 + adaptation);
            int n = Math.min(remaining, space);
            int stuffing = space - n;
            if (stuffing > 0) {
                adaptation = adaptation < 0 ? stuffing - 1 : adaptation + stuffing;
            }
            out.writeByte(SYNC_BYTE);
            out.writeShort((first ? 0x4000 : 0) | pid);
            out.writeByte((adaptation < 0 ? 0x10 : 0x30) | cc);
            if (adaptation >= 0) {
                int start = out.writerIndex();
                out.writeByte(adaptation);
                if (adaptation > 0) {
                    out.writeByte((rai ? 0x40 : 0) | (pcr ? 0x10 : 0));
                    if (pcr) {
                        // PCR = DTS: the same clock as the timestamps, without a delay a player would add
                        TsTimestamps.writePcr(out, dts);
                    }
                    out.writeBytes(STUFFING, 0, adaptation + 1 - (out.writerIndex() - start));
                }
            }
            for (int left = n; left > 0; ) {
                ByteBuf b = parts.get(part);
                int k = Math.min(left, b.readableBytes());
                out.writeBytes(b, k);
                left -= k;
                if (!b.isReadable()) {
                    part++;
                }
            }
            remaining -= n;
            cc = (cc + 1) & 0x0f;
            first = false;
        }
        return cc;
    }

    private static ByteBuf pesHeader(int streamId, long pts, long dts, int payloadLength) {
        boolean withDts = pts != dts;
        int headerDataLength = withDts ? 10 : 5;
        ByteBuf h = Unpooled.buffer(9 + headerDataLength);
        h.writeMedium(0x000001);
        h.writeByte(streamId);
        int pesLength = 3 + headerDataLength + payloadLength;
        // 0 (unbounded) is allowed for video only, and video frames often exceed 16 bits
        if (streamId == STREAM_ID_VIDEO || pesLength > 0xffff) {
            if (streamId != STREAM_ID_VIDEO) {
                throw new IllegalArgumentException("audio PES packet of " + pesLength + " bytes exceeds 65535");
            }
            pesLength = 0;
        }
        h.writeShort(pesLength);
        h.writeByte(0x84); // '10', data_alignment_indicator: the payload starts with an access unit
        h.writeByte(withDts ? 0xc0 : 0x80);
        h.writeByte(headerDataLength);
        TsTimestamps.writeTimestamp(h, withDts ? 0b0011 : 0b0010, pts);
        if (withDts) {
            TsTimestamps.writeTimestamp(h, 0b0001, dts);
        }
        return h;
    }

    private static byte[] pat() {
        ByteBuf s = Unpooled.buffer(16);
        s.writeByte(0x00); // table_id: program_association_section
        s.writeShort(0xb000 | (5 + 4 + 4));
        s.writeShort(TRANSPORT_STREAM_ID);
        s.writeByte(0xc1); // version 0, current
        s.writeByte(0);
        s.writeByte(0);
        s.writeShort(PROGRAM_NUMBER);
        s.writeShort(0xe000 | PMT_PID);
        return withCrc(s);
    }

    private byte[] pmt() {
        int streams = (video != null ? 1 : 0) + (audio != null ? 1 : 0);
        ByteBuf s = Unpooled.buffer(32);
        s.writeByte(0x02); // table_id: TS_program_map_section
        s.writeShort(0xb000 | (9 + 5 * streams + 4));
        s.writeShort(PROGRAM_NUMBER);
        s.writeByte(0xc1);
        s.writeByte(0);
        s.writeByte(0);
        s.writeShort(0xe000 | pcrPid);
        s.writeShort(0xf000); // no program descriptors
        if (video != null) {
            s.writeByte(STREAM_TYPE_H264);
            s.writeShort(0xe000 | VIDEO_PID);
            s.writeShort(0xf000);
        }
        if (audio != null) {
            s.writeByte(STREAM_TYPE_AAC_ADTS);
            s.writeShort(0xe000 | AUDIO_PID);
            s.writeShort(0xf000);
        }
        return withCrc(s);
    }

    private static byte[] withCrc(ByteBuf section) {
        byte[] b = new byte[section.readableBytes() + 4];
        section.readBytes(b, 0, b.length - 4);
        int crc = Crc32Mpeg2.compute(b, 0, b.length - 4);
        b[b.length - 4] = (byte) (crc >>> 24);
        b[b.length - 3] = (byte) (crc >>> 16);
        b[b.length - 2] = (byte) (crc >>> 8);
        b[b.length - 1] = (byte) crc;
        return b;
    }

    /** A PSI section in one TS packet, after a zero pointer_field, padded with 0xff. */
    private static void writeSection(ByteBuf out, int pid, int cc, byte[] section) {
        out.writeByte(SYNC_BYTE);
        out.writeShort(0x4000 | pid);
        out.writeByte(0x10 | cc);
        out.writeByte(0); // pointer_field
        out.writeBytes(section);
        out.writeBytes(STUFFING, 0, PAYLOAD_SIZE - 1 - section.length);
    }
}
