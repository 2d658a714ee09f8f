package io.aqueduct.hls.internal.fmp4;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Muxes one H.264 or H.265 track and/or one AAC track into fragmented MP4 (ISO/IEC 14496-12 8.8): an
 * initialization segment ({@code ftyp} + {@code moov}, {@link #initSegment()}) and movie fragments ({@code moof} +
 * {@code mdat}, {@link #fragment}), as HLS serves them (RFC 8216 3.3, {@code EXT-X-MAP}) and as
 * {@link Mp4FileWriter} records them.
 *
 * <p>Track IDs follow the init segment: the video track is 1, the audio track the next one. Media timescales are
 * 90 kHz for video and the sample rate for AAC. Decoding times in {@code tfdt} are the packets' own timestamps
 * converted (rounded) to the timescale, 64 bits wide, so consecutive fragments line up without any state and two
 * muxers fed the same packets write the same bytes.
 *
 * <p>Samples are copied as they are: video payloads are already length-prefixed NAL units (AVCC/HVCC), which is
 * what MP4 stores, and AAC payloads are raw frames. Packets are read, never released: the caller keeps ownership.
 *
 * <p>A configuration change (a new sequence header) cannot be expressed in these fragments: it needs a new
 * init segment, so a new muxer; packets with a changed configuration are refused.
 *
 * <p>Not thread-safe: one muxer per output stream.
 */
public final class Fmp4Muxer {
    /** sample_depends_on = 2: decodes on its own (a sync sample). */
    static final int SYNC_SAMPLE_FLAGS = 0x02000000;
    /** sample_depends_on = 1 and sample_is_non_sync_sample. */
    static final int NON_SYNC_SAMPLE_FLAGS = 0x01010000;
    /** tfhd flag: data offsets count from the start of the moof, as CMAF and HLS expect. */
    static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    static final int TRUN_DATA_OFFSET = 0x000001;
    static final int TRUN_SAMPLE_DURATION = 0x000100;
    static final int TRUN_SAMPLE_SIZE = 0x000200;
    static final int TRUN_SAMPLE_FLAGS = 0x000400;
    static final int TRUN_SAMPLE_CTS_OFFSET = 0x000800;

    private final List<TrackFormat> formats;
    /** Per format, the last sample duration written (ticks), to guess the next last one; 0 before any. */
    private final long[] lastDuration;

    /**
     * A muxer for the stream's tracks: at most one H.264 or H.265 track and one AAC track. Data tracks are
     * ignored (their packets are skipped). Every configuration record is parsed here.
     *
     * @throws IllegalArgumentException for another codec, two tracks of one kind, no media track at all, or a
     *     missing or malformed configuration (the message names the track)
     */
    public Fmp4Muxer(Collection<Track> tracks) {
        Track video = null;
        Track audio = null;
        for (Track t : tracks) {
            if (t.mediaType() == MediaType.DATA) {
                continue;
            }
            if ((t.codec() == Codec.H264 || t.codec() == Codec.H265) && video == null) {
                video = t;
            } else if (t.codec() == Codec.AAC && audio == null) {
                audio = t;
            } else {
                throw new IllegalArgumentException("fMP4 muxer takes one H.264 or H.265 track and one AAC track, not "
                        + t);
            }
        }
        if (video == null && audio == null) {
            throw new IllegalArgumentException("fMP4 muxer needs an H.264, H.265 or AAC track, got " + tracks);
        }
        List<TrackFormat> f = new ArrayList<>(2);
        if (video != null) {
            f.add(TrackFormat.of(video, 1));
        }
        if (audio != null) {
            f.add(TrackFormat.of(audio, f.size() + 1));
        }
        this.formats = List.copyOf(f);
        this.lastDuration = new long[formats.size()];
    }

    /** The initialization segment: {@code ftyp} and {@code moov} with {@code mvex}, durations 0 (live). */
    public byte[] initSegment() {
        return InitSegment.write(formats, false).bytes();
    }

    /**
     * The RFC 6381 CODECS value for the tracks, video first: for example {@code avc1.64001f,mp4a.40.2} or
     * {@code hvc1.1.6.L93.B0}.
     */
    public String codecs() {
        return formats.stream().map(TrackFormat::codecString).collect(Collectors.joining(","));
    }

    /**
     * One movie fragment: a {@code moof} and its {@code mdat}.
     *
     * @see #muxFragment(int, List, long)
     */
    public byte[] fragment(int sequenceNumber, List<MediaPacket> packets, long endMicros) {
        return muxFragment(sequenceNumber, packets, endMicros).bytes();
    }

    /**
     * One movie fragment, with a summary of what is in it.
     *
     * <p>{@code packets} come in arrival order and may interleave the tracks; each track's samples keep their
     * order, and each track gets one {@code traf} (video first) whose data lies together in the {@code mdat}.
     * Tracks without packets here get no {@code traf}. A sample lasts until the next sample's decoding time. The
     * last one: for video, until {@code endMicros} (where the next fragment starts) when that is after it, else as
     * long as the sample before it (1/30 s when there has been none); for AAC, one frame (1024 samples).
     *
     * @param sequenceNumber the {@code mfhd} sequence number, normally 1 for the first fragment and one more for
     *     each next one
     * @param packets the samples, in arrival order; packets of other tracks (data tracks) are skipped
     * @param endMicros where the fragment ends (the next fragment's first decoding time) in microseconds, or any
     *     time not after the last video sample (such as -1) when that is not known yet
     * @throws IllegalArgumentException when no packet belongs to the muxer's tracks, a decoding time is negative or
     *     goes backwards within a track, a track changed its configuration, or the fragment would exceed 2 GiB;
     *     nothing of the fragment is returned then and the muxer is unchanged
     */
    public Fragment muxFragment(int sequenceNumber, List<MediaPacket> packets, long endMicros) {
        return muxFragment(sequenceNumber, packets, endMicros, 0);
    }

    /** As {@link #muxFragment(int, List, long)} with every timestamp taken relative to {@code originMicros}. */
    Fragment muxFragment(int sequenceNumber, List<MediaPacket> packets, long endMicros, long originMicros) {
        if (sequenceNumber < 0) {
            throw new IllegalArgumentException("negative fragment sequence number " + sequenceNumber);
        }
        List<Run> runs = new ArrayList<>(formats.size());
        for (int i = 0; i < formats.size(); i++) {
            TrackFormat format = formats.get(i);
            List<MediaPacket> mine = new ArrayList<>();
            for (MediaPacket p : packets) {
                if (format.carries(p.track())) {
                    mine.add(p);
                }
            }
            if (!mine.isEmpty()) {
                runs.add(new Run(format, runs.size() + 1, mine, endMicros, originMicros, lastDuration[i]));
            }
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no packets of " + codecs() + " for fragment " + sequenceNumber);
        }
        byte[] bytes = write(sequenceNumber, runs);
        List<Fragment.TrackRun> summary = new ArrayList<>(runs.size());
        for (Run r : runs) {
            lastDuration[formats.indexOf(r.format)] = r.durations[r.count - 1];
            summary.add(r.summary());
        }
        return new Fragment(bytes, summary);
    }

    /** The earliest decoding time among the packets of this muxer's tracks, none when there are none. */
    OptionalLong earliestDts(List<MediaPacket> packets) {
        OptionalLong earliest = OptionalLong.empty();
        for (MediaPacket p : packets) {
            for (TrackFormat f : formats) {
                if (f.carries(p.track()) && (earliest.isEmpty() || p.dts() < earliest.getAsLong())) {
                    earliest = OptionalLong.of(p.dts());
                }
            }
        }
        return earliest;
    }

    List<TrackFormat> formats() {
        return formats;
    }

    /** Writes moof (mfhd, then per run traf: tfhd, tfdt, trun) and mdat with each run's data in one piece. */
    private static byte[] write(int sequenceNumber, List<Run> runs) {
        long dataSize = 0;
        long moofSize = 8 + 16; // moof header, mfhd
        for (Run r : runs) {
            dataSize += r.dataSize;
            moofSize += r.trafSize();
        }
        if (moofSize + 8 + dataSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fragment of " + dataSize + " bytes exceeds 2 GiB");
        }
        // sized exactly, so the array is handed out without a copy
        BoxWriter w = new BoxWriter((int) (moofSize + 8 + dataSize));
        int moof = w.start("moof");
        int mfhd = w.startFull("mfhd", 0, 0);
        w.u32(sequenceNumber);
        w.end(mfhd);
        int[] dataOffsetFields = new int[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            dataOffsetFields[i] = runs.get(i).writeTraf(w);
        }
        w.end(moof);

        // data_offset: from the first byte of the moof to the run's first byte in the mdat
        long offset = w.size() + 8;
        for (int i = 0; i < runs.size(); i++) {
            w.setU32(dataOffsetFields[i], offset);
            offset += runs.get(i).dataSize;
        }
        w.u32(8 + dataSize).fourcc("mdat");
        for (Run r : runs) {
            for (MediaPacket p : r.packets) {
                w.bytes(p.content());
            }
        }
        assert w.size() == w.capacity() : "trafSize() is off: " + w.size() + " bytes written, " + w.capacity()
                + " reserved";
        return w.toByteArray();
    }

    /** One track's samples of a fragment, timed and checked before anything is written. */
    private static final class Run {
        final TrackFormat format;
        final int trafNumber;
        final List<MediaPacket> packets;
        final int count;
        final long baseDecodeTime;
        final long[] durations;
        final int[] ctsOffsets;
        final long dataSize;

        Run(TrackFormat format, int trafNumber, List<MediaPacket> packets, long endMicros, long origin,
                long previousDuration) {
            this.format = format;
            this.trafNumber = trafNumber;
            this.packets = packets;
            this.count = packets.size();
            int timescale = format.timescale();
            long[] dts = new long[count];
            ctsOffsets = new int[count];
            long size = 0;
            for (int i = 0; i < count; i++) {
                MediaPacket p = packets.get(i);
                if (p.dts() < origin) {
                    throw new IllegalArgumentException(what(p) + " has a negative decoding time " + p.dts()
                            + (origin != 0 ? " - " + origin : "") + " µs");
                }
                dts[i] = ticks(p, p.dts(), origin, timescale);
                long cts = ticks(p, p.pts(), origin, timescale) - dts[i];
                if (cts != (int) cts) {
                    throw new IllegalArgumentException(what(p) + " has pts - dts out of range: " + p);
                }
                ctsOffsets[i] = (int) cts;
                size += p.size();
            }
            this.dataSize = size;
            this.baseDecodeTime = dts[0];
            this.durations = new long[count];
            for (int i = 0; i + 1 < count; i++) {
                durations[i] = dts[i + 1] - dts[i];
                if (durations[i] < 0) {
                    throw new IllegalArgumentException(what(packets.get(i + 1)) + " decodes before the sample"
                            + " before it (" + packets.get(i).dts() + " µs)");
                }
            }
            durations[count - 1] = lastDuration(packets.get(count - 1), dts[count - 1], endMicros, origin,
                    count > 1 ? durations[count - 2] : previousDuration);
            for (int i = 0; i < count; i++) {
                if (durations[i] > 0xffffffffL) {
                    throw new IllegalArgumentException(what(packets.get(i)) + " lasts " + durations[i]
                            + " ticks, more than a trun can say");
                }
            }
        }

        private long lastDuration(MediaPacket last, long lastDts, long endMicros, long origin, long previous) {
            if (!format.isVideo()) {
                return TrackFormat.AAC_FRAME_SAMPLES;
            }
            if (endMicros > last.dts()) {
                long d = ticks(last, endMicros, origin, format.timescale()) - lastDts;
                if (d > 0) {
                    return d;
                }
            }
            return previous > 0 ? previous : format.timescale() / 30;
        }

        /** Bytes of the traf {@link #writeTraf} writes: traf, tfhd, tfdt (version 1), trun and its samples. */
        long trafSize() {
            int perSample = format.isVideo() ? 16 : 12;
            return 8 + 16 + 20 + 20 + (long) perSample * count;
        }

        /** Writes the traf; returns the offset of the trun's data_offset field, to fill in once the moof is done. */
        int writeTraf(BoxWriter w) {
            int traf = w.start("traf");
            int tfhd = w.startFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
            w.u32(format.trackId());
            w.end(tfhd);
            int tfdt = w.startFull("tfdt", 1, 0); // version 1: 64-bit decode time, for streams that run for days
            w.u64(baseDecodeTime);
            w.end(tfdt);
            boolean video = format.isVideo();
            int flags = TRUN_DATA_OFFSET | TRUN_SAMPLE_DURATION | TRUN_SAMPLE_SIZE | TRUN_SAMPLE_FLAGS
                    | (video ? TRUN_SAMPLE_CTS_OFFSET : 0);
            int trun = w.startFull("trun", 1, flags); // version 1: signed composition offsets
            w.u32(count);
            int dataOffset = w.size();
            w.u32(0);
            for (int i = 0; i < count; i++) {
                MediaPacket p = packets.get(i);
                w.u32(durations[i]).u32(p.size());
                w.u32(!video || p.isKeyframe() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
                if (video) {
                    w.u32(ctsOffsets[i]);
                }
            }
            w.end(trun);
            w.end(traf);
            return dataOffset;
        }

        Fragment.TrackRun summary() {
            long total = 0;
            for (long d : durations) {
                total += d;
            }
            boolean sync = !format.isVideo() || packets.get(0).isKeyframe();
            return new Fragment.TrackRun(format.trackId(), trafNumber, format.timescale(), baseDecodeTime, total,
                    count, sync);
        }

        private static long ticks(MediaPacket p, long micros, long origin, int timescale) {
            try {
                return MediaTime.toTicks(Math.subtractExact(micros, origin), timescale);
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new IllegalArgumentException(what(p) + ": timestamp " + micros + " µs out of range", e);
            }
        }

        private static String what(MediaPacket p) {
            return p.track().codec() + " track " + p.track().id() + " sample at " + p.dts() + " µs";
        }
    }
}
