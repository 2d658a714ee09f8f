package io.aqueduct.hls.internal.segment;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Synthetic live streams for tests: H.264 frames (one 4-byte-length NAL unit each, with real SPS/PPS in the
 * track) and AAC frames at 44.1 kHz, interleaved in timestamp order as a publisher sends them.
 */
public final class SyntheticStream {
    public static final byte[] SPS = ByteBufUtil.decodeHexDump("6742c00dd90141fb0110000003001000000303c0f142a480");
    public static final byte[] PPS = ByteBufUtil.decodeHexDump("68cb83cb20");
    public static final byte[] AAC_CONFIG = {0x12, 0x10};
    public static final Track VIDEO = video(SPS);
    public static final Track AUDIO = Track.audio(1, Codec.AAC).config(AAC_CONFIG).audio(44100, 2).build();
    /** One AAC frame: 1024 samples at 44.1 kHz. */
    public static final double AAC_FRAME_MICROS = 1024 * 1_000_000.0 / 44100;

    private SyntheticStream() {
    }

    public static Track video(byte[] sps) {
        byte[] record = new byte[11 + sps.length + PPS.length];
        record[0] = 1;
        record[1] = sps[1];
        record[2] = sps[2];
        record[3] = sps[3];
        record[4] = (byte) 0xff;
        record[5] = (byte) 0xe1;
        record[6] = (byte) (sps.length >> 8);
        record[7] = (byte) sps.length;
        System.arraycopy(sps, 0, record, 8, sps.length);
        int p = 8 + sps.length;
        record[p] = 1;
        record[p + 1] = (byte) (PPS.length >> 8);
        record[p + 2] = (byte) PPS.length;
        System.arraycopy(PPS, 0, record, p + 3, PPS.length);
        return Track.video(0, Codec.H264).config(record).size(320, 240).build();
    }

    /** A video frame: one IDR (type 5) or non-IDR (type 1) NAL unit of {@code size} bytes. */
    public static MediaPacket videoFrame(Track track, long dts, long pts, boolean keyframe, int size) {
        byte[] au = new byte[4 + size];
        au[0] = (byte) (size >>> 24);
        au[1] = (byte) (size >>> 16);
        au[2] = (byte) (size >>> 8);
        au[3] = (byte) size;
        au[4] = (byte) (keyframe ? 0x65 : 0x41);
        for (int i = 5; i < au.length; i++) {
            au[i] = (byte) (i * 31 + dts);
        }
        return MediaPacket.of(track, dts, pts, keyframe, Unpooled.wrappedBuffer(au));
    }

    public static MediaPacket audioFrame(Track track, long dts, int size) {
        byte[] frame = new byte[size];
        for (int i = 0; i < size; i++) {
            frame[i] = (byte) (i + dts);
        }
        return MediaPacket.of(track, dts, dts, true, Unpooled.wrappedBuffer(frame));
    }

    /**
     * Packets of a stream from {@code startMicros} for {@code durationMicros}: video at {@code fps} with a keyframe
     * every {@code gopFrames} frames (counted from timestamp 0, so keyframes fall at the same timestamps whatever the
     * start), audio frames when {@code audio}; in timestamp order, video first on a tie.
     */
    public static List<MediaPacket> packets(long startMicros, long durationMicros, int fps, int gopFrames,
            boolean video, boolean audio) {
        List<MediaPacket> out = new ArrayList<>();
        long end = startMicros + durationMicros;
        if (video) {
            long first = (long) Math.ceil(startMicros * fps / 1e6);
            for (long n = first; n * 1_000_000 / fps < end; n++) {
                long dts = n * 1_000_000 / fps;
                out.add(videoFrame(VIDEO, dts, dts, n % gopFrames == 0, n % gopFrames == 0 ? 900 : 200));
            }
        }
        if (audio) {
            long first = (long) Math.ceil(startMicros / AAC_FRAME_MICROS);
            for (long n = first; Math.round(n * AAC_FRAME_MICROS) < end; n++) {
                out.add(audioFrame(AUDIO, Math.round(n * AAC_FRAME_MICROS), 50));
            }
        }
        out.sort(Comparator.comparingLong(MediaPacket::dts)
                .thenComparing(p -> p.mediaType() == io.aqueduct.api.media.MediaType.VIDEO ? 0 : 1));
        return out;
    }
}
