package io.aqueduct.api.stream;

import java.util.Objects;
import java.util.Optional;

/**
 * What a publisher says about a stream beyond its key, carried in its {@link StreamInfo}. Start from
 * {@link #DEFAULTS}; immutable.
 */
public final class PublishOptions {
    /** A stream in its own right. */
    public static final PublishOptions DEFAULTS = new PublishOptions(null);

    private final StreamKey renditionOf;

    private PublishOptions(StreamKey renditionOf) {
        this.renditionOf = renditionOf;
    }

    /**
     * These options for a rendition of {@code source}: the same content in another size or bitrate (a transcoder's
     * ladder), which HLS lists in the source's multivariant playlist.
     */
    public PublishOptions withRenditionOf(StreamKey source) {
        return new PublishOptions(Objects.requireNonNull(source, "source"));
    }

    /** The stream this one is a rendition of; empty for a stream in its own right. */
    public Optional<StreamKey> renditionOf() {
        return Optional.ofNullable(renditionOf);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublishOptions p && Objects.equals(p.renditionOf, renditionOf);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(renditionOf);
    }

    @Override
    public String toString() {
        return renditionOf == null ? "PublishOptions[]" : "PublishOptions[renditionOf=" + renditionOf + "]";
    }
}
