package io.aqueduct.rtmp.internal.amf0;

/** A value that is not valid AMF0, is truncated, or exceeds a limit of the {@link Amf0Reader}. */
public final class Amf0Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Amf0Exception(String message) {
        super(message);
    }
}
