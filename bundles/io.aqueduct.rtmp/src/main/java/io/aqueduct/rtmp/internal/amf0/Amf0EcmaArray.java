package io.aqueduct.rtmp.internal.amf0;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An AMF0 ECMA Array (an associative array, as in {@code onMetaData}); a distinct type only so that it is
 * written back as an ECMA Array rather than an Object.
 */
public final class Amf0EcmaArray extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public Amf0EcmaArray() {
    }

    public Amf0EcmaArray(Map<String, ?> entries) {
        super(entries);
    }
}
