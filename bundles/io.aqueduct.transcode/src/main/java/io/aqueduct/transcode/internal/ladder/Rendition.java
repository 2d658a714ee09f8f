package io.aqueduct.transcode.internal.ladder;

/**
 * One rung of a ladder.
 *
 * @param height picture height in lines (even); the width follows the source's aspect ratio
 * @param videoBitrate target video bitrate, bits per second
 * @param audioBitrate AAC bitrate the audio is re-encoded to, bits per second; 0 passes the source's audio through
 */
public record Rendition(int height, long videoBitrate, long audioBitrate) {

    public Rendition {
        if (height < 16 || height > 4320 || height % 2 != 0) {
            throw new IllegalArgumentException("rendition height " + height + " must be even, 16 to 4320");
        }
        if (videoBitrate < 10_000 || videoBitrate > 100_000_000) {
            throw new IllegalArgumentException("video bitrate " + videoBitrate + " b/s must be 10k to 100M");
        }
        if (audioBitrate != 0 && (audioBitrate < 8_000 || audioBitrate > 512_000)) {
            throw new IllegalArgumentException("audio bitrate " + audioBitrate + " b/s must be 8k to 512k, or copy");
        }
    }

    /** The suffix of the rendition's stream name: {@code _720p}. */
    public String suffix() {
        return "_" + height + "p";
    }

    public boolean passesAudioThrough() {
        return audioBitrate == 0;
    }

    /** {@code 720p:2500k:copy}, the form {@link Ladder#parse} reads. */
    @Override
    public String toString() {
        return height + "p:" + kilobits(videoBitrate) + ":" + (audioBitrate == 0 ? "copy" : kilobits(audioBitrate));
    }

    private static String kilobits(long bits) {
        return bits % 1000 == 0 ? bits / 1000 + "k" : Long.toString(bits);
    }
}
