package io.aqueduct.rtmp.internal.chunk;

import io.netty.handler.codec.DecoderException;

/**
 * The peer broke the RTMP protocol or one of our limits. The handler that throws it has already closed the
 * connection; the message says what was wrong, for the log.
 */
public class RtmpProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public RtmpProtocolException(String message) {
        super(message);
    }

    public RtmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
