package io.aqueduct.edge.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.edge.internal.testing.TestMedia;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both directions of the relay codec: round trips of every frame, split input, zero copy, and every limit. */
class RelayFrameCodecTest {
    private static final StreamKey KEY = StreamKey.of("live", "cam1");
    private static final String LONGEST = "é".repeat(256); // 512 UTF-8 bytes

    static List<RelayFrame> edgeFrames() {
        return List.of(
                new RelayFrame.Hello(1, "edge-1", "v1.ZWRnZS0x.1700000000000.c2ln"),
                new RelayFrame.Hello(0xFFFF, LONGEST, LONGEST),
                new RelayFrame.Subscribe(1, KEY),
                new RelayFrame.Subscribe(Integer.MAX_VALUE, StreamKey.of("a".repeat(128), "b".repeat(128))),
                new RelayFrame.Unsubscribe(7),
                RelayFrame.Pong.INSTANCE);
    }

    /** Every origin frame except PACKET (which is not a record; see {@link #packets()}). */
    static List<RelayFrame> originFrames() {
        return List.of(
                new RelayFrame.Welcome(1, "origin-7"),
                new RelayFrame.Refused("bad signature"),
                new RelayFrame.Refused(""),
                new RelayFrame.Stream(3, 9, KEY, 2),
                new RelayFrame.Stream(3, 10, StreamKey.of("live", "cam1_240p"), 1, KEY),
                new RelayFrame.Stream(Integer.MAX_VALUE, Integer.MAX_VALUE, KEY, RelayProtocol.MAX_TRACKS),
                new RelayFrame.TrackInfo(9, TestMedia.VIDEO),
                new RelayFrame.TrackInfo(9, TestMedia.AUDIO),
                new RelayFrame.TrackInfo(9, Track.video(Integer.MAX_VALUE, Codec.H265).build()),
                new RelayFrame.TrackInfo(9, Track.audio(4, Codec.OPUS).audio(48_000, 2).build()),
                new RelayFrame.TrackInfo(9, Track.audio(5, Codec.MP3).audio(44_100, 1).bitrate(Long.MAX_VALUE)
                        .build()),
                new RelayFrame.TrackInfo(9, Track.data(6, Codec.AMF0).config(new byte[RelayProtocol.MAX_CONFIG_BYTES])
                        .build()),
                new RelayFrame.End(9, "publisher left"),
                new RelayFrame.NotFound(4, KEY, "live/cam1 is not live on origin origin-7"),
                RelayFrame.Ping.INSTANCE);
    }

    static List<RelayFrame.Packet> packets() {
        return packets(5000);
    }

    static List<RelayFrame.Packet> packets(int size) {
        return List.of(
                new RelayFrame.Packet(9, 0, 0, 80_000, true, TestMedia.payload(size, 1)),
                new RelayFrame.Packet(9, 1, -23_000, -23_000, false, TestMedia.payload(size / 10, 2)),
                new RelayFrame.Packet(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, false,
                        Unpooled.EMPTY_BUFFER));
    }

    @Test
    void everyEdgeFrameRoundTrips() {
        for (RelayFrame f : edgeFrames()) {
            byte[] wire = encode(f);
            assertThat(decode(RelayFrameDecoder.atOrigin(), wire)).as("%s", f).containsExactly(f);
        }
    }

    @Test
    void everyOriginFrameRoundTrips() {
        for (RelayFrame f : originFrames()) {
            byte[] wire = encode(f);
            assertThat(decode(RelayFrameDecoder.atEdge(), wire)).as("%s", f.type()).containsExactly(f);
        }
    }

    @Test
    void aTrackComesBackEqual() {
        byte[] wire = encode(new RelayFrame.TrackInfo(2, TestMedia.VIDEO));
        RelayFrame.TrackInfo back = (RelayFrame.TrackInfo) decode(RelayFrameDecoder.atEdge(), wire).get(0);
        Track t = back.track();
        assertThat(t).isEqualTo(TestMedia.VIDEO).isNotSameAs(TestMedia.VIDEO);
        assertThat(t.codec()).isEqualTo(Codec.H264);
        assertThat(t.config()).isEqualTo(TestMedia.AVC_720P);
        assertThat(t.width()).isEqualTo(1280);
        assertThat(t.height()).isEqualTo(720);
        assertThat(t.bitrate()).isEqualTo(2_500_000);
    }

    @Test
    void packetsRoundTrip() {
        for (RelayFrame.Packet p : packets()) {
            byte[] payload = ByteBufUtil.getBytes(p.content());
            byte[] wire = encode(p);
            assertThat(wire).hasSize(4 + RelayProtocol.PACKET_HEADER_LENGTH + payload.length);
            List<RelayFrame> back = decode(RelayFrameDecoder.atEdge(), wire);
            assertThat(back).hasSize(1);
            RelayFrame.Packet q = (RelayFrame.Packet) back.get(0);
            try {
                assertThat(q.streamId()).isEqualTo(p.streamId());
                assertThat(q.trackId()).isEqualTo(p.trackId());
                assertThat(q.dts()).isEqualTo(p.dts());
                assertThat(q.pts()).isEqualTo(p.pts());
                assertThat(q.keyframe()).isEqualTo(p.keyframe());
                assertThat(ByteBufUtil.getBytes(q.content())).isEqualTo(payload);
            } finally {
                q.release();
                p.release();
            }
        }
    }

    @Test
    void aStreamOfFramesDecodesWhenSplitAtEveryByteAndOneByteAtATime() {
        ByteBuf all = Unpooled.buffer();
        List<String> expected = new ArrayList<>();
        for (RelayFrame f : originFrames()) {
            if (f instanceof RelayFrame.TrackInfo t && t.track().config().length > 1000) {
                continue; // keeps the byte-at-a-time run short
            }
            all.writeBytes(encode(f));
            expected.add(describe(f));
        }
        for (RelayFrame.Packet p : packets(200)) { // small: the run is quadratic in the input
            expected.add(describe(p));
            all.writeBytes(encode(p));
            p.release();
        }
        byte[] wire = ByteBufUtil.getBytes(all);
        all.release();
        for (int split = 0; split <= wire.length; split++) {
            assertThat(decodeInPieces(wire, split)).as("split at %d", split).isEqualTo(expected);
        }
        assertThat(decodeBytewise(wire)).isEqualTo(expected);
    }

    @Test
    void theEncoderDoesNotCopyAPacketPayload() {
        ByteBuf payload = TestMedia.payload(1000, 3);
        EmbeddedChannel channel = new EmbeddedChannel(RelayFrameEncoder.INSTANCE);
        channel.writeOutbound(new RelayFrame.Packet(1, 0, 0, 0, true, payload.retain()));
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(out).isInstanceOf(CompositeByteBuf.class);
            assertThat(payload.refCnt()).as("the written frame holds the payload").isEqualTo(2);
            payload.setByte(0, 0x55);
            assertThat(out.getByte(4 + RelayProtocol.PACKET_HEADER_LENGTH)).as("the same memory")
                    .isEqualTo((byte) 0x55);
        } finally {
            out.release();
        }
        assertThat(payload.refCnt()).isEqualTo(1);
        payload.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void reasonsAreCutToTheLimitWithoutSplittingACharacter() {
        RelayFrame.Refused r = new RelayFrame.Refused("x" + "é".repeat(400));
        assertThat(ByteBufUtil.utf8Bytes(r.reason())).isEqualTo(511);
        assertThat(r.reason()).endsWith("é");
        assertThat(decode(RelayFrameDecoder.atEdge(), encode(r))).containsExactly(r);
    }

    @Test
    void framesThatBreakTheLimitsCannotBeBuilt() {
        assertThatThrownBy(() -> new RelayFrame.Hello(1, "e".repeat(513), "t")).hasMessageContaining(
                "edge id of 513 bytes exceeds 512");
        assertThatThrownBy(() -> new RelayFrame.Hello(1, "", "t")).hasMessageContaining("edge id is empty");
        assertThatThrownBy(() -> new RelayFrame.Unsubscribe(0)).hasMessageContaining("stream id 0 is not within");
        assertThatThrownBy(() -> new RelayFrame.Stream(1, 1, KEY, 65)).hasMessageContaining("track count 65");
        assertThatThrownBy(() -> new RelayFrame.TrackInfo(1, Track.video(0, Codec.H264).size(-1, 5).build()))
                .hasMessageContaining("negative");
        int size = RelayProtocol.MAX_PAYLOAD_BYTES + 1;
        ByteBuf tooBig = ByteBufAllocator.DEFAULT.buffer(size).writerIndex(size);
        assertThatThrownBy(() -> new RelayFrame.Packet(1, 0, 0, 0, true, tooBig)).hasMessageContaining("exceeds");
        assertThat(tooBig.refCnt()).as("released by the constructor that refused it").isZero();
    }

    // ---- malformed input ----

    @Test
    void aFrameLengthOfZeroIsRefused() {
        assertRefused(RelayFrameDecoder.atEdge(), "00000000 18", "frame length 0 is not within 1..16777216");
    }

    @Test
    void anOversizedFrameIsRefusedFromItsLengthAlone() {
        // only the length field: the decoder must not wait for (or buffer) the body
        assertRefused(RelayFrameDecoder.atOrigin(), "00001001", "frame length 4097 is not within 1..4096");
        assertRefused(RelayFrameDecoder.atEdge(), "01000001", "frame length 16777217 is not within 1..16777216");
        assertRefused(RelayFrameDecoder.atEdge(), "ffffffff", "frame length 4294967295 is not within");
    }

    @Test
    void unknownTypesAndFramesFromTheWrongSideAreRefused() {
        assertRefused(RelayFrameDecoder.atEdge(), "00000001 7f", "unknown frame type 0x7f");
        assertRefused(RelayFrameDecoder.atOrigin(), "00000001 00", "unknown frame type 0x00");
        assertRefused(RelayFrameDecoder.atOrigin(), "00000001 18", "a PING frame cannot come from an edge");
        assertRefused(RelayFrameDecoder.atEdge(), "00000001 04", "a PONG frame cannot come from an origin");
    }

    @Test
    void stringsOverTheLimitAreRefused() {
        String edgeId = "65".repeat(513);
        assertRefused(RelayFrameDecoder.atOrigin(), "00000208 01 0001 0201" + edgeId + "0000",
                "HELLO frame: edge id of 513 bytes exceeds 512");
        assertRefused(RelayFrameDecoder.atEdge(), "00000005 12 0002 c328", "REFUSED frame: reason is not valid UTF-8");
    }

    @Test
    void idsOutOfRangeAreRefused() {
        assertRefused(RelayFrameDecoder.atOrigin(), "00000005 03 00000000",
                "bad UNSUBSCRIBE frame: stream id 0 is not within 1..2147483647");
        assertRefused(RelayFrameDecoder.atOrigin(), "00000005 03 80000000",
                "bad UNSUBSCRIBE frame: stream id 2147483648 is not within 1..2147483647");
        assertRefused(RelayFrameDecoder.atEdge(), "0000001a 15 00000001 80000000" + "00".repeat(17),
                "bad PACKET frame: track id 2147483648 is not within 0..2147483647");
        assertRefused(RelayFrameDecoder.atOrigin(), "0000000d 01 0000 0006" + "656467652d31" + "0000",
                "bad HELLO frame: protocol version 0 is not within 1..65535");
    }

    @Test
    void truncatedAndOverlongBodiesAreRefused() {
        assertRefused(RelayFrameDecoder.atOrigin(), "00000003 02 0000", "SUBSCRIBE frame ends inside its request id");
        assertRefused(RelayFrameDecoder.atOrigin(), "00000009 02 00000001 0005 6c69",
                "SUBSCRIBE frame ends inside its stream key");
        assertRefused(RelayFrameDecoder.atOrigin(), "00000002 04 00", "PONG frame has 1 bytes after its last field");
        assertRefused(RelayFrameDecoder.atEdge(), "00000008 16 00000001 0000 ff",
                "END frame has 1 bytes after its last field");
    }

    @Test
    void badStreamKeysAreRefused() {
        assertRefused(RelayFrameDecoder.atOrigin(), "0000000b 02 00000001 0004 2e2e2f61",
                "SUBSCRIBE frame has a bad stream key");
        assertRefused(RelayFrameDecoder.atOrigin(), "0000000b 02 00000001 0004 61626364",
                "SUBSCRIBE frame has a bad stream key: stream key must be <app>/<name>");
    }

    @Test
    void badTracksAreRefused() {
        String head = "00000001 00000000"; // stream 1, track 0
        String sizes = "00000500 000002d0 00000000 00000000 0000000000000000";
        assertRefused(RelayFrameDecoder.atEdge(), track(head + " 09 01 " + sizes + " 00000000"),
                "TRACK frame has unknown codec 0x09");
        assertRefused(RelayFrameDecoder.atEdge(), track(head + " 01 07 " + sizes + " 00000000"),
                "TRACK frame has unknown media type 0x07");
        assertRefused(RelayFrameDecoder.atEdge(), track(head + " 01 02 " + sizes + " 00000000"),
                "TRACK frame says codec H264 is AUDIO; it is VIDEO");
        assertRefused(RelayFrameDecoder.atEdge(), track(head + " 01 01 " + sizes + " 00200000"),
                "TRACK frame: codec configuration of 2097152 bytes exceeds 1048576");
        assertRefused(RelayFrameDecoder.atEdge(), track(head + " 01 01 " + sizes + " 00000004 0164"),
                "TRACK frame ends inside its codec configuration");
        assertRefused(RelayFrameDecoder.atEdge(),
                track(head + " 01 01 ffffffff 000002d0 00000000 00000000 0000000000000000 00000000"),
                "bad TRACK frame: negative size");
    }

    @Test
    void unknownPacketFlagsAreRefused() {
        assertRefused(RelayFrameDecoder.atEdge(), "0000001a 15 00000001 00000000" + "00".repeat(16) + "02",
                "PACKET frame has unknown flags 0x02");
    }

    @Test
    void tooManyAnnouncedTracksAreRefused() {
        assertRefused(RelayFrameDecoder.atEdge(), "00000015 13 00000001 00000001 0009 6c6976652f63616d31 41",
                "bad STREAM frame: track count 65 is not within 0..64");
    }

    @Test
    void theHandlerBehindHearsOfTheErrorWhileTheConnectionIsStillOpenThenItCloses() {
        List<String> heard = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(RelayFrameDecoder.atEdge(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                heard.add(cause.getMessage() + " open=" + ctx.channel().isOpen());
            }
        });
        // a valid PING, then garbage, then a valid PING that must not come out
        channel.writeInbound(Unpooled.wrappedBuffer(hex("00000001 18 00000001 7f 00000001 18")));
        assertThat(heard).containsExactly("unknown frame type 0x7f open=true");
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isEqualTo(RelayFrame.Ping.INSTANCE);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    private static String track(String body) {
        byte[] b = hex(body);
        return String.format("%08x 14 ", b.length + 1) + body;
    }

    private static void assertRefused(RelayFrameDecoder decoder, String wireHex, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        ByteBuf in = Unpooled.wrappedBuffer(hex(wireHex));
        assertThatThrownBy(() -> channel.writeInbound(in)).isInstanceOf(RelayProtocolException.class)
                .hasMessageContaining(message);
        assertThat(channel.isOpen()).as("closed after: %s", message).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s.replace(" ", ""));
    }

    static byte[] encode(RelayFrame frame) {
        ByteBuf buf = RelayFrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static List<RelayFrame> decode(RelayFrameDecoder decoder, byte[] wire) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.wrappedBuffer(wire));
        List<RelayFrame> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            out.add((RelayFrame) o);
        }
        assertThat(channel.finish()).isFalse();
        return out;
    }

    private static List<String> decodeInPieces(byte[] wire, int split) {
        EmbeddedChannel channel = new EmbeddedChannel(RelayFrameDecoder.atEdge());
        channel.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
        channel.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
        return drain(channel);
    }

    private static List<String> decodeBytewise(byte[] wire) {
        EmbeddedChannel channel = new EmbeddedChannel(RelayFrameDecoder.atEdge());
        for (int i = 0; i < wire.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire, i, 1));
        }
        return drain(channel);
    }

    private static List<String> drain(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            out.add(describe((RelayFrame) o));
            ReferenceCountUtil.release(o);
        }
        assertThat(channel.finish()).isFalse();
        return out;
    }

    /** Everything a frame says, payload and codec configuration included. */
    private static String describe(RelayFrame f) {
        if (f instanceof RelayFrame.Packet p) {
            return p + " " + ByteBufUtil.hexDump(ByteBufUtil.getBytes(p.content()));
        }
        if (f instanceof RelayFrame.TrackInfo t) {
            return t + " " + ByteBufUtil.hexDump(t.track().config());
        }
        return f.toString();
    }
}
