package io.aqueduct.rtmp.internal.flv;

/** An audio or video tag that cannot be mapped: malformed, or a codec Aqueduct does not carry. */
public class FlvException extends Exception {
    private static final long serialVersionUID = 1L;

    public FlvException(String message) {
        super(message);
    }
}
