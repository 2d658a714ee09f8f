package io.aqueduct.hls.internal.playlist;

import java.util.Arrays;

/**
 * A CMAF header (ftyp + moov) shared by the segments that follow it until the configuration changes.
 *
 * @param name {@code init-<hash>.mp4}; the hash is of the bytes, so every node that sees the same configuration names
 *     it the same
 * @param codecs RFC 6381 codec string for the master playlist
 * @param width video width in pixels, 0 without video
 * @param height video height in pixels, 0 without video
 */
public record InitSection(String name, Payload data, String codecs, int width, int height) {

    public static InitSection of(byte[] data, String codecs, int width, int height) {
        return new InitSection(String.format("init-%08x.mp4", Arrays.hashCode(data)), Payload.copyOf(data), codecs,
                width, height);
    }
}
