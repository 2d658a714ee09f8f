package io.aqueduct.hls.internal.fmp4;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the initialization segment: {@code ftyp} and a {@code moov} that describes the tracks but holds no samples
 * (empty sample tables), with {@code mvex} announcing that the samples come in movie fragments (ISO/IEC 14496-12
 * 8.8).
 *
 * <p>The live form (HLS {@code EXT-X-MAP}) has version 0 boxes and zero durations: a live stream has no duration.
 * The recording form has version 1 boxes (64-bit durations) and an {@code mehd}, and reports where each duration
 * field is so that {@link Mp4FileWriter} can patch them in place when the recording ends.
 *
 * @param bytes the segment
 * @param mvhdDuration offset of the 64-bit duration in {@code mvhd}, -1 in the live form
 * @param mehdDuration offset of the 64-bit fragment_duration in {@code mehd}, -1 in the live form
 * @param tkhdDuration offset of each track's 64-bit {@code tkhd} duration (in track order), empty in the live form
 * @param mdhdDuration offset of each track's 64-bit {@code mdhd} duration, empty in the live form
 */
record InitSegment(byte[] bytes, int mvhdDuration, int mehdDuration, int[] tkhdDuration, int[] mdhdDuration) {
    /** Ticks per second of the movie timeline (mvhd, tkhd and mehd durations): milliseconds are plenty there. */
    static final int MOVIE_TIMESCALE = 1000;

    private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    static InitSegment write(List<TrackFormat> tracks, boolean recording) {
        int version = recording ? 1 : 0;
        BoxWriter w = new BoxWriter(1024);
        writeFtyp(w);
        int moov = w.start("moov");
        int mvhdDuration = writeMvhd(w, version, tracks.size() + 1);
        int[] tkhdDuration = new int[recording ? tracks.size() : 0];
        int[] mdhdDuration = new int[recording ? tracks.size() : 0];
        for (int i = 0; i < tracks.size(); i++) {
            int[] offsets = writeTrak(w, version, tracks.get(i));
            if (recording) {
                tkhdDuration[i] = offsets[0];
                mdhdDuration[i] = offsets[1];
            }
        }
        int mvex = w.start("mvex");
        int mehdDuration = -1;
        if (recording) {
            int mehd = w.startFull("mehd", 1, 0);
            mehdDuration = w.size();
            w.u64(0); // fragment_duration, patched when the recording ends
            w.end(mehd);
        }
        for (TrackFormat t : tracks) {
            int trex = w.startFull("trex", 0, 0);
            w.u32(t.trackId()).u32(1); // default_sample_description_index: the only one
            w.u32(0).u32(0).u32(0); // default duration, size, flags: every trun gives its own
            w.end(trex);
        }
        w.end(mvex);
        w.end(moov);
        return new InitSegment(w.toByteArray(), recording ? mvhdDuration : -1, mehdDuration, tkhdDuration,
                mdhdDuration);
    }

    /**
     * {@code iso6}: the brand that has {@code tfdt} and signed composition offsets in {@code trun}. Not
     * {@code cmfc}: CMAF wants one track per fragment, and these fragments carry audio and video together, as HLS
     * allows.
     */
    private static void writeFtyp(BoxWriter w) {
        int ftyp = w.start("ftyp");
        w.fourcc("iso6").u32(0); // major brand, minor version
        w.fourcc("iso6").fourcc("mp41");
        w.end(ftyp);
    }

    /** Writes {@code mvhd}; returns the offset of its duration field. */
    private static int writeMvhd(BoxWriter w, int version, int nextTrackId) {
        int mvhd = w.startFull("mvhd", version, 0);
        int duration;
        if (version == 1) {
            w.u64(0).u64(0).u32(MOVIE_TIMESCALE); // creation and modification time unknown (0)
            duration = w.size();
            w.u64(0);
        } else {
            w.u32(0).u32(0).u32(MOVIE_TIMESCALE);
            duration = w.size();
            w.u32(0);
        }
        w.u32(0x00010000).u16(0x0100).zeros(10); // rate 1.0, volume 1.0, reserved
        matrix(w);
        w.zeros(24); // pre_defined
        w.u32(nextTrackId);
        w.end(mvhd);
        return duration;
    }

    /** Writes one {@code trak}; returns the offsets of its tkhd and mdhd durations. */
    private static int[] writeTrak(BoxWriter w, int version, TrackFormat t) {
        int trak = w.start("trak");

        int tkhd = w.startFull("tkhd", version, 0x000003); // track_enabled, track_in_movie
        int tkhdDuration;
        if (version == 1) {
            w.u64(0).u64(0).u32(t.trackId()).u32(0);
            tkhdDuration = w.size();
            w.u64(0);
        } else {
            w.u32(0).u32(0).u32(t.trackId()).u32(0);
            tkhdDuration = w.size();
            w.u32(0);
        }
        w.zeros(8).u16(0); // reserved, layer
        w.u16(t.isVideo() ? 0 : 1); // alternate_group: the audio track in a group of its own
        w.u16(t.isVideo() ? 0 : 0x0100).u16(0); // volume, reserved
        matrix(w);
        w.u32((long) t.width() << 16).u32((long) t.height() << 16); // 16.16 fixed point, 0 for audio
        w.end(tkhd);

        int mdia = w.start("mdia");
        int mdhd = w.startFull("mdhd", version, 0);
        int mdhdDuration;
        if (version == 1) {
            w.u64(0).u64(0).u32(t.timescale());
            mdhdDuration = w.size();
            w.u64(0);
        } else {
            w.u32(0).u32(0).u32(t.timescale());
            mdhdDuration = w.size();
            w.u32(0);
        }
        w.u16(0x55c4).u16(0); // language 'und' (ISO 639-2/T, three 5-bit letters), pre_defined
        w.end(mdhd);

        int hdlr = w.startFull("hdlr", 0, 0);
        w.u32(0).fourcc(t.isVideo() ? "vide" : "soun").zeros(12);
        String name = t.isVideo() ? "VideoHandler\0" : "SoundHandler\0"; // null-terminated UTF-8
        w.bytes(name.getBytes(StandardCharsets.US_ASCII));
        w.end(hdlr);

        int minf = w.start("minf");
        if (t.isVideo()) {
            int vmhd = w.startFull("vmhd", 0, 1); // flags 1, as the spec requires
            w.zeros(8); // graphicsmode copy, opcolor
            w.end(vmhd);
        } else {
            int smhd = w.startFull("smhd", 0, 0);
            w.zeros(4); // balance centre, reserved
            w.end(smhd);
        }
        int dinf = w.start("dinf");
        int dref = w.startFull("dref", 0, 0);
        w.u32(1);
        w.end(w.startFull("url ", 0, 1)); // flag 1: the media data is in this file
        w.end(dref);
        w.end(dinf);

        int stbl = w.start("stbl");
        int stsd = w.startFull("stsd", 0, 0);
        w.u32(1);
        t.writeSampleEntry(w);
        w.end(stsd);
        // the sample tables are empty: every sample is in a movie fragment
        emptyTable(w, "stts");
        emptyTable(w, "stsc");
        int stsz = w.startFull("stsz", 0, 0);
        w.u32(0).u32(0); // sample_size (0: sizes vary), sample_count
        w.end(stsz);
        emptyTable(w, "stco");
        w.end(stbl);
        w.end(minf);
        w.end(mdia);
        w.end(trak);
        return new int[] {tkhdDuration, mdhdDuration};
    }

    private static void emptyTable(BoxWriter w, String type) {
        int box = w.startFull(type, 0, 0);
        w.u32(0); // entry_count
        w.end(box);
    }

    private static void matrix(BoxWriter w) {
        for (int v : UNITY_MATRIX) {
            w.u32(v);
        }
    }
}
