package io.aqueduct.transcode.internal.stream;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.ffmpeg.FfmpegException;
import io.aqueduct.transcode.internal.codec.VideoEncoder;
import io.aqueduct.transcode.internal.ladder.Ladder.PlannedRendition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * One rendition being published, encoded on a thread of its own so the renditions of a stream encode at the same
 * time (the stream's thread decodes and scales). Its publication is only used from that thread: video packets from
 * the encoder and the audio the stream's thread hands over, in the order handed over. The queue is short: a stream
 * thread that gets ahead of its slowest rendition waits, and the hub's drop rules take over from there.
 */
final class RenditionOutput {
    /** Work queued for the encoder thread; what was never run releases what it holds. */
    private interface Task {
        void run() throws FfmpegException;

        void discard();
    }

    private static final Task END = new Task() {
        @Override
        public void run() {
        }

        @Override
        public void discard() {
        }
    };

    private final PlannedRendition plan;
    private final StreamKey key;
    private final Publication publication;
    private final VideoEncoder encoder;
    private final BlockingQueue<Task> tasks = new ArrayBlockingQueue<>(4);
    private final Thread thread;
    private volatile Throwable failure;

    RenditionOutput(PlannedRendition plan, StreamKey key, Publication publication, VideoEncoder encoder) {
        this.plan = plan;
        this.key = key;
        this.publication = publication;
        this.encoder = encoder;
        this.thread = new Thread(this::run, "aqueduct-transcode-" + key);
        thread.setDaemon(true);
        thread.start();
    }

    PlannedRendition plan() {
        return plan;
    }

    StreamKey key() {
        return key;
    }

    long frames() {
        return encoder.frames();
    }

    private void run() {
        try {
            while (true) {
                Task t = tasks.take();
                if (t == END) {
                    return;
                }
                if (failure != null) {
                    t.discard();
                    continue;
                }
                try {
                    t.run();
                } catch (Throwable e) { // an Error too (out of direct memory): the stream thread must hear of it
                    failure = e;
                }
            }
        } catch (InterruptedException e) {
            failure = e;
        } finally {
            if (failure != null) {
                List<Task> left = new ArrayList<>();
                tasks.drainTo(left);
                left.forEach(Task::discard);
            }
        }
    }

    /** Queues work; waits while the queue is full, as long as the encoder thread is there to empty it. */
    private void submit(Task t) throws FfmpegException {
        try {
            while (true) {
                Throwable failed = failure;
                if (failed != null || !thread.isAlive()) {
                    t.discard();
                    throw failed instanceof FfmpegException f ? f : new FfmpegException(key + ": the encoder thread "
                            + "stopped: " + failed);
                }
                if (tasks.offer(t, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.discard();
            throw new FfmpegException(key + ": interrupted");
        }
    }

    /** Encodes a scaled frame, which this takes over (and frees). */
    void encode(AVFrame frame, boolean keyframe) throws FfmpegException {
        submit(new Task() {
            @Override
            public void run() throws FfmpegException {
                try {
                    encoder.encode(frame, keyframe, publication::send);
                } finally {
                    av_frame_free(frame);
                }
            }

            @Override
            public void discard() {
                av_frame_free(frame);
            }
        });
    }

    /** Publishes an audio packet, taking over its reference, after the video handed over before it. */
    void send(MediaPacket packet) throws FfmpegException {
        submit(new Task() {
            @Override
            public void run() {
                publication.send(packet);
            }

            @Override
            public void discard() {
                packet.release();
            }
        });
    }

    /** Publishes what the encoder still holds (the end of the source). */
    void flush() throws FfmpegException {
        submit(new Task() {
            @Override
            public void run() throws FfmpegException {
                encoder.flush(publication::send);
            }

            @Override
            public void discard() {
            }
        });
    }

    /** Ends the rendition: what is queued is encoded and sent first (unless it failed), then the stream ends. */
    void close() {
        // the encoder is freed only once its thread is gone, whatever happens meanwhile
        boolean interrupted = false;
        boolean ended = false;
        while (thread.isAlive()) {
            try {
                if (!ended) {
                    ended = tasks.offer(END, 100, TimeUnit.MILLISECONDS);
                }
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<Task> left = new ArrayList<>();
        tasks.drainTo(left);
        left.forEach(Task::discard);
        publication.close();
        encoder.close();
    }
}
