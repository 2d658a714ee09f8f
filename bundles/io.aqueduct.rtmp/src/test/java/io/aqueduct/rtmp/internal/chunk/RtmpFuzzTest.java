package io.aqueduct.rtmp.internal.chunk;

import static io.aqueduct.testing.FuzzInput.mutate;
import static io.aqueduct.testing.FuzzInput.randomBytes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.rtmp.internal.amf0.Amf0;
import io.aqueduct.rtmp.internal.amf0.Amf0Date;
import io.aqueduct.rtmp.internal.amf0.Amf0EcmaArray;
import io.aqueduct.rtmp.internal.amf0.Amf0Exception;
import io.aqueduct.rtmp.internal.amf0.Amf0Reader;
import io.aqueduct.rtmp.internal.amf0.Amf0Writer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the chunk decoder and the AMF0 reader, bounded in time (about 4 s per seed, three seeds).
 *
 * <p>Seeds: a fixed one, so every run covers the same ground, and two derived from today's date (UTC), so CI
 * explores a little further each day; all are printed. Re-run one with {@code -Drtmp.fuzz.seed=N}. Inputs are
 * random bytes and valid streams from our encoder (or values from our writer) with a few mutations, fed in
 * random pieces. The only exception allowed is the protocol's own; after one the channel must be closed; and
 * the Netty leak check (paranoid) fails the class if any buffer leaks.
 */
class RtmpFuzzTest {
    private static final long FIXED_SEED = 0x5EED_2024_0001L;
    private static final long NANOS_PER_SEED = 4_000_000_000L;
    private static final RtmpChunkLimits LIMITS = new RtmpChunkLimits(64 * 1024, 1 << 20, 8, 128 * 1024);

    @Test
    void fuzz() {
        long[] seeds;
        String override = System.getProperty("rtmp.fuzz.seed");
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
            while (System.nanoTime() - start < NANOS_PER_SEED * 3 / 4) {
                fuzzChunks(random, seed, stats);
            }
            while (System.nanoTime() - start < NANOS_PER_SEED) {
                fuzzAmf0(random, seed, stats);
            }
            System.out.printf("RtmpFuzzTest seed %d: %d chunk streams (%d closed on a protocol error, %d messages),"
                    + " %d AMF0 inputs (%d refused) in %d ms%n", seed, stats.streams, stats.protocolErrors,
                    stats.messages, stats.amfInputs, stats.amfErrors, (System.nanoTime() - start) / 1_000_000);
            assertTrue(stats.streams > 100 && stats.amfInputs > 100, "too few iterations to mean anything");
        }
    }

    private static final class Stats {
        long streams;
        long protocolErrors;
        long messages;
        long amfInputs;
        long amfErrors;
    }

    private static void fuzzChunks(Random random, long seed, Stats stats) {
        byte[] input = random.nextInt(4) == 0 ? randomBytes(random, 1 + random.nextInt(4096))
                : mutate(random, validStream(random), 1);
        Chunks.Releaser releaser = new Chunks.Releaser();
        EmbeddedChannel channel = new EmbeddedChannel(new RtmpChunkDecoder(LIMITS), releaser);
        try {
            for (int pos = 0; pos < input.length; ) {
                int n = 1 + random.nextInt(Math.min(input.length - pos, 1 + random.nextInt(2048)));
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(input, pos, n));
                } catch (RtmpProtocolException e) {
                    stats.protocolErrors++;
                    assertFalse(channel.isOpen(), "open after: " + e.getMessage());
                    break;
                }
                pos += n;
            }
            assertFalse(channel.finish(), "nothing may be left in the channel");
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ", input " + ByteBufUtil.hexDump(input), t);
        }
        stats.streams++;
        stats.messages += releaser.messages;
    }

    /** A valid chunk stream from our encoder: several chunk streams, sizes, chunk size changes, big timestamps. */
    private static byte[] validStream(Random random) {
        EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder());
        int count = 1 + random.nextInt(12);
        long ts = random.nextBoolean() ? 0 : 0xFFFF_FF00L;
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(10);
            if (pick == 0) {
                encoder.writeOutbound(ProtocolControl.setChunkSize(1 + random.nextInt(8192)));
            } else if (pick == 1) {
                encoder.writeOutbound(UserControlEvent.pingRequest(ts).toMessage());
            } else if (pick == 2) {
                encoder.writeOutbound(ProtocolControl.abort(3 + random.nextInt(6)));
            } else {
                ts += random.nextInt(5) == 0 ? random.nextInt(0x200_0000) : random.nextInt(40);
                int length = random.nextInt(4) == 0 ? random.nextInt(20_000) : random.nextInt(200);
                ByteBuf payload = Unpooled.wrappedBuffer(randomBytes(random, length));
                int csid = new int[] {3, 4, 5, 6, 8, 64, 320}[random.nextInt(7)];
                encoder.writeOutbound(new RtmpMessage(csid, 8 + random.nextInt(13), random.nextInt(3), ts, payload));
            }
        }
        ByteBuf wire = Unpooled.buffer();
        for (Object o; (o = encoder.readOutbound()) != null; ) {
            wire.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        encoder.finish();
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        return bytes;
    }

    private static void fuzzAmf0(Random random, long seed, Stats stats) {
        byte[] input;
        if (random.nextInt(4) == 0) {
            input = randomBytes(random, 1 + random.nextInt(256));
        } else {
            ByteBuf buf = Unpooled.buffer();
            int values = 1 + random.nextInt(4);
            for (int i = 0; i < values; i++) {
                Amf0Writer.write(buf, randomValue(random, 0));
            }
            input = mutate(random, ByteBufUtil.getBytes(buf), 1);
            buf.release();
        }
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        try {
            new Amf0Reader(8, 1000).readAll(buf);
        } catch (Amf0Exception e) {
            stats.amfErrors++;
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ", AMF0 input " + ByteBufUtil.hexDump(input), t);
        } finally {
            buf.release();
        }
        stats.amfInputs++;
    }

    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 6 : 10);
        switch (kind) {
            case 0: return random.nextDouble() * 1e6;
            case 1: return random.nextBoolean();
            case 2: return "s".repeat(random.nextInt(20));
            case 3: return null;
            case 4: return Amf0.UNDEFINED;
            case 5: return new Amf0Date(random.nextInt());
            case 6: return random.nextInt(30) == 0 ? "L".repeat(70_000) : "str";
            case 7: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = kind == 8 ? new LinkedHashMap<>() : new Amf0EcmaArray();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put("k" + i, randomValue(random, depth + 1));
                }
                return map;
            }
        }
    }
}
