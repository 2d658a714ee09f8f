package io.aqueduct.api.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * One elementary stream of a live stream and its codec configuration. Immutable: when a publisher changes
 * its configuration (a new sequence header), it sends packets that refer to a new {@code Track}, so a
 * subscriber notices the change by comparing the track of consecutive packets.
 */
public final class Track {
    private final int id;
    private final Codec codec;
    private final byte[] config;
    private final int width;
    private final int height;
    private final int sampleRate;
    private final int channels;
    private final long bitrate;

    private Track(Builder b) {
        if (b.id < 0) {
            throw new IllegalArgumentException("track id must not be negative: " + b.id);
        }
        this.id = b.id;
        this.codec = Objects.requireNonNull(b.codec, "codec");
        this.config = b.config.clone();
        this.width = b.width;
        this.height = b.height;
        this.sampleRate = b.sampleRate;
        this.channels = b.channels;
        this.bitrate = b.bitrate;
    }

    public static Builder video(int id, Codec codec) {
        return builder(id, codec, MediaType.VIDEO);
    }

    public static Builder audio(int id, Codec codec) {
        return builder(id, codec, MediaType.AUDIO);
    }

    public static Builder data(int id, Codec codec) {
        return builder(id, codec, MediaType.DATA);
    }

    private static Builder builder(int id, Codec codec, MediaType expected) {
        if (codec.mediaType() != expected) {
            throw new IllegalArgumentException(codec + " is not a " + expected + " codec");
        }
        return new Builder(id, codec);
    }

    /** Identifies the track within its stream; stays the same across configuration changes. */
    public int id() {
        return id;
    }

    public Codec codec() {
        return codec;
    }

    public MediaType mediaType() {
        return codec.mediaType();
    }

    /** The decoder configuration record (a copy), empty when the codec needs none or it is not known yet. */
    public byte[] config() {
        return config.clone();
    }

    public boolean hasConfig() {
        return config.length > 0;
    }

    /** Video width in pixels, 0 when unknown or not video. */
    public int width() {
        return width;
    }

    /** Video height in pixels, 0 when unknown or not video. */
    public int height() {
        return height;
    }

    /** Audio sample rate in Hz, 0 when unknown or not audio. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Audio channel count, 0 when unknown or not audio. */
    public int channels() {
        return channels;
    }

    /** Nominal bitrate in bits per second, 0 when unknown. */
    public long bitrate() {
        return bitrate;
    }

    /** A builder that starts from this track, for a configuration change. */
    public Builder toBuilder() {
        return new Builder(id, codec).config(config).size(width, height).audio(sampleRate, channels).bitrate(bitrate);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Track)) {
            return false;
        }
        Track t = (Track) o;
        return id == t.id && codec == t.codec && width == t.width && height == t.height
                && sampleRate == t.sampleRate && channels == t.channels && bitrate == t.bitrate
                && Arrays.equals(config, t.config);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, codec, width, height, sampleRate, channels, bitrate, Arrays.hashCode(config));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Track[").append(id).append(' ').append(codec);
        if (width > 0) {
            s.append(' ').append(width).append('x').append(height);
        }
        if (sampleRate > 0) {
            s.append(' ').append(sampleRate).append("Hz/").append(channels);
        }
        if (bitrate > 0) {
            s.append(' ').append(bitrate / 1000).append("kb/s");
        }
        return s.append(']').toString();
    }

    public static final class Builder {
        private final int id;
        private final Codec codec;
        private byte[] config = new byte[0];
        private int width;
        private int height;
        private int sampleRate;
        private int channels;
        private long bitrate;

        private Builder(int id, Codec codec) {
            this.id = id;
            this.codec = codec;
        }

        public Builder config(byte[] config) {
            this.config = Objects.requireNonNull(config, "config").clone();
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder audio(int sampleRate, int channels) {
            this.sampleRate = sampleRate;
            this.channels = channels;
            return this;
        }

        public Builder bitrate(long bitsPerSecond) {
            this.bitrate = bitsPerSecond;
            return this;
        }

        public Track build() {
            return new Track(this);
        }
    }
}
