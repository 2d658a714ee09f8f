package io.aqueduct.api.media;

/** Codecs the hub knows by name; the payload format of each is described in the package documentation. */
public enum Codec {
    H264(MediaType.VIDEO),
    H265(MediaType.VIDEO),
    AAC(MediaType.AUDIO),
    OPUS(MediaType.AUDIO),
    MP3(MediaType.AUDIO),
    /** AMF0-encoded script data, passed through as it came. */
    AMF0(MediaType.DATA);

    private final MediaType mediaType;

    Codec(MediaType mediaType) {
        this.mediaType = mediaType;
    }

    public MediaType mediaType() {
        return mediaType;
    }
}
