package io.aqueduct.hls.internal.fmp4;

import java.util.List;

/**
 * One movie fragment ({@code moof} + {@code mdat}) as {@link Fmp4Muxer#muxFragment} wrote it, with what the HLS
 * segmenter and the recording writer need to know about it without parsing it back.
 *
 * @param bytes the fragment, ready to serve or append
 * @param runs one entry per track that has samples in the fragment, in {@code traf} order
 */
public record Fragment(byte[] bytes, List<TrackRun> runs) {

    public Fragment {
        runs = List.copyOf(runs);
    }

    /**
     * Whether a decoder can start at this fragment: every track in it starts with a sync sample (for video, a
     * keyframe). This is the {@code INDEPENDENT=YES} of an LL-HLS part when the fragment has the video track.
     */
    public boolean startsWithSyncSamples() {
        return runs.stream().allMatch(TrackRun::startsWithSync);
    }

    /**
     * One track's samples in the fragment: its {@code traf}.
     *
     * @param trackId the MP4 track ID (1 for the first track of the init segment)
     * @param trafNumber the position of this track's {@code traf} in the {@code moof}, from 1
     * @param timescale ticks per second of the track
     * @param baseDecodeTime the {@code tfdt}: the first sample's decoding time, in ticks
     * @param duration the sum of the sample durations, in ticks
     * @param sampleCount the number of samples
     * @param startsWithSync whether the first sample is a sync sample (a video keyframe; every audio sample is)
     */
    public record TrackRun(int trackId, int trafNumber, int timescale, long baseDecodeTime, long duration,
            int sampleCount, boolean startsWithSync) {

        /** The decoding time just after the last sample, in ticks: where the track's next fragment starts. */
        public long endDecodeTime() {
            return baseDecodeTime + duration;
        }
    }
}
