package io.aqueduct.edge.internal.wire;

import io.netty.handler.codec.DecoderException;

/**
 * The peer broke the relay protocol or one of its limits. The decoder that throws it closes the connection
 * right after the handlers behind it have heard of it; the message says what was wrong.
 */
public class RelayProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public RelayProtocolException(String message) {
        super(message);
    }
}
