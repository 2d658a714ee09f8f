package io.aqueduct.rtmp.internal.amf0;

/**
 * An AMF0 Date: milliseconds since the epoch (UTC) as a double, and the time-zone field, which the
 * specification reserves (should be 0) but which we keep so that a value round-trips unchanged.
 */
public record Amf0Date(double epochMillis, short timeZone) {
    public Amf0Date(double epochMillis) {
        this(epochMillis, (short) 0);
    }
}
