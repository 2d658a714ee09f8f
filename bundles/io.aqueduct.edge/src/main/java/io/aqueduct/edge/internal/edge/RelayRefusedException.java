package io.aqueduct.edge.internal.edge;

import java.io.IOException;

/** The origin answered the HELLO with REFUSED; {@link #reason()} is what it said (for example "bad signature"). */
public final class RelayRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public RelayRefusedException(String origin, String reason) {
        super("the relay origin " + origin + " refused the connection: " + reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
