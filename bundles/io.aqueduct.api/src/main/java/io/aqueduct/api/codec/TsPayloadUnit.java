package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;

/**
 * One payload unit of a transport stream PID, reassembled from its TS packets by {@link TsDemuxer}: a PES packet
 * ({@link PesPacket#parse}) or PSI sections after their pointer_field ({@link TsTables}). Whoever receives it owns
 * {@link #content()} and releases it.
 *
 * @param content the payload bytes of the unit's TS packets, in order
 * @param randomAccess random_access_indicator of the unit's first TS packet
 * @param pcrBase the 33-bit program_clock_reference_base of the unit's first TS packet, -1 without a PCR
 * @param packets TS packets that carried the unit
 */
public record TsPayloadUnit(int pid, ByteBuf content, boolean randomAccess, long pcrBase, int packets) {

    public boolean hasPcr() {
        return pcrBase >= 0;
    }

    public void release() {
        content.release();
    }
}
