package io.aqueduct.hls.internal.fmp4;

import io.aqueduct.api.codec.AacConfig;
import io.aqueduct.api.codec.AvcDecoderConfig;
import io.aqueduct.api.codec.HevcDecoderConfig;
import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import java.util.Arrays;

/**
 * One track as the MP4 file describes it: its track ID, timescale, picture size or audio format, the sample entry
 * ({@code avc1}, {@code hvc1} or {@code mp4a}) and the CODECS string. Everything is parsed from the track's
 * configuration record when the muxer is made, so a bad record is refused before a byte is written.
 */
final class TrackFormat {
    /** 90 kHz for video: the MPEG clock, exact for 24, 25, 30, 50, 60 and the 1000/1001 rates. */
    static final int VIDEO_TIMESCALE = 90_000;
    /** Samples in one AAC frame (AAC-LC; HE-AAC frames count 1024 at the core rate, which is the timescale). */
    static final int AAC_FRAME_SAMPLES = 1024;

    private final Track track;
    private final byte[] config;
    private final int trackId;
    private final int timescale;
    private final int width;
    private final int height;
    private final int channels;
    private final String codecString;

    private TrackFormat(Track track, int trackId, int timescale, int width, int height, int channels,
            String codecString) {
        this.track = track;
        this.config = track.config();
        this.trackId = trackId;
        this.timescale = timescale;
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.codecString = codecString;
    }

    /**
     * The format of an H.264, H.265 or AAC track.
     *
     * @throws IllegalArgumentException naming the track when its configuration is missing or malformed
     */
    static TrackFormat of(Track track, int trackId) {
        try {
            switch (track.codec()) {
                case H264: {
                    AvcDecoderConfig avc = AvcDecoderConfig.parse(track.config());
                    // the SPS is what the decoder will use, whatever the publisher's metadata said
                    return new TrackFormat(track, trackId, VIDEO_TIMESCALE, avc.first().width(), avc.first().height(),
                            0, avc.first().codecString());
                }
                case H265: {
                    HevcDecoderConfig hevc = HevcDecoderConfig.parse(track.config());
                    int w = hevc.width() > 0 ? hevc.width() : track.width();
                    int h = hevc.width() > 0 ? hevc.height() : track.height();
                    if (w <= 0 || h <= 0) {
                        throw new MalformedConfigException("no SPS in the configuration record and no picture size");
                    }
                    return new TrackFormat(track, trackId, VIDEO_TIMESCALE, w, h, 0, hevc.codecString());
                }
                case AAC: {
                    AacConfig aac = AacConfig.parse(track.config());
                    // channel configuration 0 means a program config element in the stream defines the layout
                    int ch = aac.channels() > 0 ? aac.channels() : track.channels() > 0 ? track.channels() : 2;
                    return new TrackFormat(track, trackId, aac.sampleRate(), 0, 0, ch, aac.codecString());
                }
                default:
                    throw new IllegalArgumentException("MP4 muxer cannot carry " + track.codec() + " (" + track + ")");
            }
        } catch (MalformedConfigException e) {
            throw new IllegalArgumentException(track.codec() + " track " + track.id() + ": " + e.getMessage(), e);
        }
    }

    Track track() {
        return track;
    }

    int trackId() {
        return trackId;
    }

    /** Ticks per second of this track's media timeline (mdhd, tfdt and trun). */
    int timescale() {
        return timescale;
    }

    boolean isVideo() {
        return track.mediaType() == MediaType.VIDEO;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    String codecString() {
        return codecString;
    }

    /**
     * Whether packets of {@code t} belong to this track: same track ID and codec.
     *
     * @throws IllegalArgumentException when they do but the configuration differs: the samples would not decode
     *     with this init segment, so the caller must start a new muxer (and, in HLS, a discontinuity)
     */
    boolean carries(Track t) {
        if (t == track) {
            return true;
        }
        if (t.id() != track.id() || t.codec() != track.codec()) {
            return false;
        }
        if (!Arrays.equals(t.config(), config)) {
            throw new IllegalArgumentException(t.codec() + " track " + t.id()
                    + " changed its configuration; a new init segment (a new muxer) is needed");
        }
        return true;
    }

    /** Writes the sample description (the single entry of {@code stsd}). */
    void writeSampleEntry(BoxWriter w) {
        switch (track.codec()) {
            case H264:
                visualSampleEntry(w, "avc1", "avcC");
                break;
            case H265:
                visualSampleEntry(w, "hvc1", "hvcC");
                break;
            default:
                mp4aSampleEntry(w);
        }
    }

    /**
     * VisualSampleEntry (ISO/IEC 14496-12 12.1.3) with the configuration record as its {@code avcC} or {@code hvcC}.
     * {@code avc1}/{@code hvc1} rather than {@code avc3}/{@code hev1}: the parameter sets are in the sample entry,
     * which is what Apple's HLS players require.
     */
    private void visualSampleEntry(BoxWriter w, String type, String configBox) {
        int entry = w.start(type);
        w.zeros(6).u16(1); // reserved, data_reference_index
        w.zeros(16); // pre_defined, reserved, pre_defined[3]
        w.u16(width).u16(height);
        w.u32(0x00480000).u32(0x00480000); // 72 dpi
        w.u32(0).u16(1); // reserved, frame_count
        w.zeros(32); // compressorname: empty Pascal string, padded
        w.u16(0x0018).u16(0xffff); // depth: colour, no alpha; pre_defined -1
        int c = w.start(configBox);
        w.bytes(config);
        w.end(c);
        w.end(entry);
    }

    /** AudioSampleEntry {@code mp4a} (ISO/IEC 14496-12 12.2.3, 14496-14 5.6) with its {@code esds}. */
    private void mp4aSampleEntry(BoxWriter w) {
        int entry = w.start("mp4a");
        w.zeros(6).u16(1); // reserved, data_reference_index
        w.zeros(8); // reserved
        w.u16(channels).u16(16); // channelcount, samplesize
        w.zeros(4); // pre_defined, reserved
        // 16.16 fixed point: rates above 65535 Hz do not fit, and decoders take the rate from the config anyway
        w.u32(timescale <= 0xffff ? (long) timescale << 16 : 0);
        int esds = w.startFull("esds", 0, 0);
        writeEsDescriptor(w);
        w.end(esds);
        w.end(entry);
    }

    /**
     * ES_Descriptor (ISO/IEC 14496-1 7.2.6.5) holding a DecoderConfigDescriptor for MPEG-4 audio, whose
     * DecoderSpecificInfo is the AudioSpecificConfig as the track carries it, and the SLConfigDescriptor MP4 wants.
     */
    private void writeEsDescriptor(BoxWriter w) {
        int decoderConfig = 13 + sizeOfDescriptor(config.length);
        int es = 3 + sizeOfDescriptor(decoderConfig) + sizeOfDescriptor(1);
        descriptorHeader(w, 0x03, es);
        w.u16(trackId).u8(0); // ES_ID, no dependency, URL or OCR stream
        descriptorHeader(w, 0x04, decoderConfig);
        w.u8(0x40); // objectTypeIndication: MPEG-4 audio (ISO/IEC 14496-3)
        w.u8(0x15); // streamType 5 (audio) << 2, upStream 0, reserved 1
        w.u24(0); // bufferSizeDB: unknown
        long bitrate = Math.min(track.bitrate(), 0xffffffffL);
        w.u32(0).u32(bitrate); // maxBitrate unknown, avgBitrate as published (0: unknown or variable)
        descriptorHeader(w, 0x05, config.length);
        w.bytes(config);
        descriptorHeader(w, 0x06, 1);
        w.u8(0x02); // SLConfigDescriptor predefined 2: reserved for MP4 files
    }

    /** Bytes a descriptor of {@code bodySize} takes with its tag and length. */
    private static int sizeOfDescriptor(int bodySize) {
        return 1 + lengthBytes(bodySize) + bodySize;
    }

    /** Descriptor lengths are 7 bits a byte, high bit set on all but the last byte (ISO/IEC 14496-1 8.3.3). */
    private static int lengthBytes(int size) {
        int n = 1;
        while (size >= 1 << (7 * n)) {
            n++;
        }
        return n;
    }

    private static void descriptorHeader(BoxWriter w, int tag, int size) {
        w.u8(tag);
        for (int i = lengthBytes(size) - 1; i >= 0; i--) {
            w.u8(((size >>> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
        }
    }

    /** Whether {@code codec} is one of those this format handles (H.264, H.265, AAC). */
    static boolean supports(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265 || codec == Codec.AAC;
    }
}
