package io.aqueduct.edge.internal.wire;

import static io.aqueduct.testing.FuzzInput.mutate;
import static io.aqueduct.testing.FuzzInput.randomBytes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of both relay decoders, bounded in time (about 1.5 s per seed, three seeds).
 *
 * <p>Seeds: a fixed one, so every run covers the same ground, and two derived from today's date (UTC), so CI
 * explores a little further each day; all are printed. Re-run one with {@code -Drelay.fuzz.seed=N}. Inputs are
 * random bytes and valid frame streams from our encoder with a few mutations, fed in random pieces to the decoder
 * of the side that would receive them. The only exception allowed is {@link RelayProtocolException}; after one the
 * channel must be closed; every decoded frame is released, and the Netty leak check (paranoid) fails the class if
 * any buffer leaks.
 */
class RelayFuzzTest {
    private static final long FIXED_SEED = 0x5EED_2024_0006L;
    private static final long NANOS_PER_SEED = 1_500_000_000L;
    private static final Codec[] CODECS = Codec.values();

    @Test
    void fuzz() {
        long[] seeds;
        String override = System.getProperty("relay.fuzz.seed");
        if (override != null) {
            seeds = new long[] {Long.decode(override)};
        } else {
            long day = LocalDate.now(ZoneOffset.UTC).toEpochDay();
            seeds = new long[] {FIXED_SEED, day, day * 1_000_003L + 17};
        }
        for (long seed : seeds) {
            Stats stats = new Stats();
            long start = System.nanoTime();
            Random random = new Random(seed);
            while (System.nanoTime() - start < NANOS_PER_SEED) {
                fuzz(random, seed, random.nextBoolean(), stats);
            }
            System.out.printf("RelayFuzzTest seed %d: %d inputs (%d closed on a protocol error, %d frames) in %d ms%n",
                    seed, stats.inputs, stats.protocolErrors, stats.frames, (System.nanoTime() - start) / 1_000_000);
            assertThat(stats.inputs).as("iterations").isGreaterThan(100);
            assertThat(stats.frames).as("frames decoded").isGreaterThan(100);
            assertThat(stats.protocolErrors).as("inputs refused").isGreaterThan(10);
        }
    }

    private static final class Stats {
        long inputs;
        long protocolErrors;
        long frames;
    }

    private static void fuzz(Random random, long seed, boolean atOrigin, Stats stats) {
        byte[] input = random.nextInt(4) == 0 ? randomBytes(random, 1 + random.nextInt(2048))
                : mutate(random, validStream(random, atOrigin), 0);
        EmbeddedChannel channel = new EmbeddedChannel(atOrigin ? RelayFrameDecoder.atOrigin()
                : RelayFrameDecoder.atEdge());
        try {
            for (int pos = 0; pos < input.length; ) {
                int n = 1 + random.nextInt(Math.min(input.length - pos, 1 + random.nextInt(1024)));
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(input, pos, n));
                } catch (RelayProtocolException e) {
                    stats.protocolErrors++;
                    assertThat(channel.isOpen()).as("open after: %s", e.getMessage()).isFalse();
                    break;
                } finally {
                    for (Object o; (o = channel.readInbound()) != null; ) {
                        assertThat(o).isInstanceOf(RelayFrame.class);
                        assertThat(((RelayFrame) o).type().fromEdge()).isEqualTo(atOrigin);
                        stats.frames++;
                        ReferenceCountUtil.release(o);
                    }
                }
                pos += n;
            }
            assertThat(channel.finish()).as("nothing may be left in the channel").isFalse();
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ", " + (atOrigin ? "origin" : "edge") + " input "
                    + ByteBufUtil.hexDump(input), t);
        }
        stats.inputs++;
    }

    /** A valid stream of frames one side sends, from our encoder. */
    private static byte[] validStream(Random random, boolean fromEdge) {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 1 + random.nextInt(10); i > 0; i--) {
            RelayFrame frame = fromEdge ? edgeFrame(random) : originFrame(random);
            ByteBuf encoded = RelayFrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
            wire.writeBytes(encoded);
            encoded.release();
            ReferenceCountUtil.release(frame);
        }
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        return bytes;
    }

    private static RelayFrame edgeFrame(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> new RelayFrame.Hello(1 + random.nextInt(3), "edge-" + random.nextInt(100),
                    "v1.ZWRnZQ." + random.nextLong() + ".c2ln");
            case 1 -> new RelayFrame.Subscribe(id(random), key(random));
            case 2 -> new RelayFrame.Unsubscribe(id(random));
            default -> RelayFrame.Pong.INSTANCE;
        };
    }

    private static RelayFrame originFrame(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> new RelayFrame.Welcome(1, "origin-" + random.nextInt(100));
            case 1 -> new RelayFrame.Refused("bad signature");
            case 2 -> new RelayFrame.Stream(id(random), id(random), key(random), random.nextInt(4));
            case 3, 4 -> new RelayFrame.TrackInfo(id(random), track(random));
            case 5 -> new RelayFrame.End(id(random), "publisher left");
            case 6 -> new RelayFrame.NotFound(id(random), key(random), "not live");
            case 7 -> RelayFrame.Ping.INSTANCE;
            default -> new RelayFrame.Packet(id(random), random.nextInt(3), random.nextLong(), random.nextLong(),
                    random.nextBoolean(), Unpooled.wrappedBuffer(randomBytes(random, random.nextInt(4) == 0
                            ? random.nextInt(20_000) : random.nextInt(300))));
        };
    }

    private static Track track(Random random) {
        Codec codec = CODECS[random.nextInt(CODECS.length)];
        Track.Builder b = switch (codec.mediaType()) {
            case VIDEO -> Track.video(random.nextInt(4), codec).size(random.nextInt(4000), random.nextInt(3000));
            case AUDIO -> Track.audio(random.nextInt(4), codec).audio(random.nextInt(96_000), random.nextInt(8));
            case DATA -> Track.data(random.nextInt(4), codec);
        };
        return b.config(randomBytes(random, random.nextInt(64))).bitrate(random.nextInt(10_000_000)).build();
    }

    private static int id(Random random) {
        return random.nextInt(8) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(20);
    }

    private static StreamKey key(Random random) {
        return StreamKey.of("live", "s" + random.nextInt(1000));
    }
}
