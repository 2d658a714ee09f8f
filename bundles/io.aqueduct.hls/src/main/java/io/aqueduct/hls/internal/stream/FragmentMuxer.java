package io.aqueduct.hls.internal.stream;

import io.aqueduct.api.media.MediaPacket;
import java.util.List;

/** What an HLS stream needs of a CMAF muxer: one per track configuration. */
public interface FragmentMuxer {
    /** ftyp + moov. */
    byte[] initSegment();

    /** One moof + mdat of the packets (borrowed), which end at {@code endMicros}. */
    byte[] fragment(int sequenceNumber, List<MediaPacket> packets, long endMicros);

    /** RFC 6381 CODECS value of the tracks. */
    String codecs();
}
