package io.aqueduct.edge.internal.wire;

/** The frame types of relay protocol version {@value RelayProtocol#VERSION}, their wire codes and direction. */
public enum FrameType {
    HELLO(0x01, true),
    SUBSCRIBE(0x02, true),
    UNSUBSCRIBE(0x03, true),
    PONG(0x04, true),
    WELCOME(0x11, false),
    REFUSED(0x12, false),
    STREAM(0x13, false),
    TRACK(0x14, false),
    PACKET(0x15, false),
    END(0x16, false),
    NOT_FOUND(0x17, false),
    PING(0x18, false);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final boolean fromEdge;

    FrameType(int code, boolean fromEdge) {
        this.code = code;
        this.fromEdge = fromEdge;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** True for frames an edge sends to an origin, false for the origin's. */
    public boolean fromEdge() {
        return fromEdge;
    }

    /** The type of a type byte, or null when the protocol has none of that code. */
    public static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
