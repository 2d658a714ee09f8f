package io.aqueduct.bench.rtmpload;

import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.client.RtmpClientException;
import io.aqueduct.rtmp.internal.client.RtmpPlayClient;

/**
 * One player's counters. Written only on its connection's event loop; the fields the main thread reads are
 * volatile (one volatile write per message is cheap next to decoding it).
 */
final class Player implements RtmpPlayClient.Listener {
    final int id;
    RtmpPlayClient client;
    volatile boolean started;
    /** Set once: "end ..." or "error ...". */
    volatile String finished;
    /** Payload bytes of audio and video messages since the start. */
    volatile long mediaBytes;
    volatile long mediaMessages;
    /** System.nanoTime() of the last audio or video message, 0 before the first. */
    volatile long lastMediaNanos;
    /** Largest gap between consecutive media messages since {@link #gapEpoch} was last seen. */
    volatile long maxGapNanos;
    volatile long lastTimestamp = -1;
    private int seenEpoch;

    /** Bumped by the main thread to start a new gap measurement in every player. */
    static volatile int gapEpoch;

    Player(int id) {
        this.id = id;
    }

    @Override
    public void onStart() {
        started = true;
    }

    @Override
    public void onMessage(RtmpMessage message) {
        try {
            int type = message.typeId();
            if (type != RtmpConstants.TYPE_AUDIO && type != RtmpConstants.TYPE_VIDEO) {
                return;
            }
            long now = System.nanoTime();
            int epoch = gapEpoch;
            long gap = lastMediaNanos == 0 ? 0 : now - lastMediaNanos;
            if (epoch != seenEpoch) {
                seenEpoch = epoch;
                maxGapNanos = gap;
            } else if (gap > maxGapNanos) {
                maxGapNanos = gap;
            }
            lastMediaNanos = now;
            mediaBytes += message.content().readableBytes();
            mediaMessages++;
            lastTimestamp = message.timestamp();
        } finally {
            message.release();
        }
    }

    @Override
    public void onEnd(String reason) {
        finished = "end " + reason;
    }

    @Override
    public void onError(RtmpClientException error) {
        finished = "error " + error.getMessage();
    }

    boolean alive() {
        return started && finished == null;
    }
}
