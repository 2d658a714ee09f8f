package io.aqueduct.rtmp.internal.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FlvMappingTest {
    /** From ffmpeg 5.1 with libx264 (1280x720 High 3.1) and aac (44.1 kHz stereo). */
    private static final String AVC_720P =
            "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800";
    private static final String AAC_44K_STEREO = "121056e500";
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private final FlvToMedia mapper = new FlvToMedia();

    private static ByteBuf tag(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** Maps and releases the tag body, as the RTMP server does with a message. */
    private MediaPacket video(long ts, String hex) throws FlvException {
        ByteBuf body = tag(hex);
        try {
            return mapper.video(ts, body);
        } finally {
            body.release();
        }
    }

    private MediaPacket audio(long ts, String hex) throws FlvException {
        ByteBuf body = tag(hex);
        try {
            return mapper.audio(ts, body);
        } finally {
            body.release();
        }
    }

    @Test
    void anAvcSequenceHeaderConfiguresTheVideoTrack() throws Exception {
        assertNull(video(0, "17 00 000000" + AVC_720P));
        Track t = mapper.videoTrack();
        assertEquals(Codec.H264, t.codec());
        assertEquals(FlvToMedia.VIDEO_TRACK_ID, t.id());
        assertEquals(1280, t.width());
        assertEquals(720, t.height());
        assertArrayEquals(HexFormat.of().parseHex(AVC_720P), t.config());
    }

    @Test
    void framesCarryTimestampsCompositionOffsetsAndTheirOwnBytes() throws Exception {
        video(0, "17 00 000000" + AVC_720P);
        MediaPacket key = video(1000, "17 01 000042 00000005 65888000aa");
        assertEquals(1_000_000, key.dts());
        assertEquals(1_066_000, key.pts(), "composition offset 0x42 = 66 ms");
        assertTrue(key.isVideoKeyframe());
        assertSame(mapper.videoTrack(), key.track());
        assertEquals("0000000565888000aa", ByteBufUtil.hexDump(key.content()));
        MediaPacket inter = video(1033, "27 01 ffffdf 00000002 4101");
        assertFalse(inter.isKeyframe());
        assertEquals(1_033_000 - 33_000, inter.pts(), "the offset is signed 24-bit: 0xffffdf = -33 ms");
        key.release();
        inter.release();
    }

    @Test
    void thePayloadIsASliceOfTheMessageNotACopy() throws Exception {
        byte[] message = HexFormat.of().parseHex("17010000000000000565888000aa");
        ByteBuf body = Unpooled.wrappedBuffer(message);
        MediaPacket p = mapper.video(0, body);
        body.release();
        assertEquals(1, p.refCnt(), "the packet keeps the message alive");
        assertSame(message, p.content().array());
        assertEquals(5, p.content().arrayOffset() + p.content().readerIndex());
        p.release();
        assertEquals(0, body.refCnt());
    }

    @Test
    void anAacSequenceHeaderConfiguresTheAudioTrackAndFramesFollow() throws Exception {
        assertNull(audio(0, "af 00" + AAC_44K_STEREO));
        Track t = mapper.audioTrack();
        assertEquals(Codec.AAC, t.codec());
        assertEquals(44100, t.sampleRate());
        assertEquals(2, t.channels());
        MediaPacket frame = audio(23, "af 01 2110050c");
        assertEquals(23_000, frame.dts());
        assertEquals(frame.dts(), frame.pts());
        assertEquals("2110050c", ByteBufUtil.hexDump(frame.content()));
        frame.release();
    }

    @Test
    void mp3FramesMakeAnMp3Track() throws Exception {
        MediaPacket p = audio(0, "2f fffb9064");
        assertEquals(Codec.MP3, p.track().codec());
        assertEquals(44100, p.track().sampleRate());
        assertEquals(2, p.track().channels());
        p.release();
    }

    @Test
    void framesRoundTripThroughPlayerTags() throws Exception {
        video(0, "17 00 000000" + AVC_720P);
        audio(0, "af 00" + AAC_44K_STEREO);
        MediaPacket[] originals = {video(40, "17 01 000021 00000002 6588"), video(73, "27 01 ffffef 00000002 4101"),
            audio(50, "af 01 2110050c")};
        for (MediaPacket original : originals) {
            ByteBuf body = MediaToFlv.frame(ALLOC, original);
            FlvToMedia player = new FlvToMedia();
            player.video(0, sequenceHeaderOf(mapper.videoTrack()));
            player.audio(0, sequenceHeaderOf(mapper.audioTrack()));
            long ts = MediaToFlv.timestampMs(original);
            MediaPacket back = MediaToFlv.isVideo(original.track().codec()) ? player.video(ts, body) : player.audio(ts, body);
            body.release();
            assertEquals(original.dts(), back.dts());
            assertEquals(original.pts(), back.pts());
            assertEquals(original.isKeyframe(), back.isKeyframe());
            assertEquals(original.track(), back.track(), "the player rebuilds the same track from the sequence header");
            assertEquals(ByteBufUtil.hexDump(original.content()), ByteBufUtil.hexDump(back.content()));
            back.release();
            original.release();
        }
    }

    private static ByteBuf sequenceHeaderOf(Track track) {
        ByteBuf header = MediaToFlv.sequenceHeader(ALLOC, track);
        // the mapper copies configuration bytes, so the header can go at once
        ByteBuf copy = Unpooled.copiedBuffer(header);
        header.release();
        return copy;
    }

    @Test
    void hevcArrivesAndLeavesAsEnhancedRtmp() throws Exception {
        String hvcc = "01016000000090000000000099f000fcfdf8f800000f03";
        assertNull(video(0, "90 68766331" + hvcc)); // key | ex header | SequenceStart, 'hvc1'
        assertEquals(Codec.H265, mapper.videoTrack().codec());
        MediaPacket coded = video(40, "91 68766331 000021 00000003 260101"); // CodedFrames with composition time
        assertEquals(40_000 + 33_000, coded.pts());
        assertTrue(coded.isKeyframe());
        MediaPacket codedX = video(73, "a3 68766331 00000002 0201"); // inter, CodedFramesX: no composition time
        assertEquals(codedX.dts(), codedX.pts());
        assertFalse(codedX.isKeyframe());

        ByteBuf header = MediaToFlv.sequenceHeader(ALLOC, mapper.videoTrack());
        assertEquals("9068766331" + hvcc, ByteBufUtil.hexDump(header));
        header.release();
        ByteBuf body = MediaToFlv.frame(ALLOC, coded);
        assertEquals("9168766331000021" + "00000003260101", ByteBufUtil.hexDump(body));
        body.release();
        coded.release();
        codedX.release();
    }

    @Test
    void unsupportedCodecsAreRefusedByName() {
        FlvException vp6 = assertThrows(FlvException.class, () -> video(0, "14 00"));
        assertEquals("video codec id 4 is not supported: publish H.264 or HEVC", vp6.getMessage());
        FlvException av1 = assertThrows(FlvException.class, () -> video(0, "90 61763031 00"));
        assertTrue(av1.getMessage().contains("'av01'"), av1.getMessage());
        FlvException speex = assertThrows(FlvException.class, () -> audio(0, "b2 00"));
        assertTrue(speex.getMessage().contains("sound format 11"), speex.getMessage());
    }

    @Test
    void aMalformedSequenceHeaderIsRefused() {
        FlvException e = assertThrows(FlvException.class, () -> video(0, "17 00 000000 01640015ff"));
        assertTrue(e.getMessage().startsWith("H.264 sequence header is malformed"), e.getMessage());
        assertThrows(FlvException.class, () -> audio(0, "af 00 00"));
    }

    @Test
    void everyTruncationOfATagIsRefusedOrIgnoredNeverAnotherError() throws Exception {
        String[] tags = {"1700000000" + AVC_720P, "17010000420000000565888000aa", "af00" + AAC_44K_STEREO,
            "af012110050c", "9068766331010160", "916876633100002100000003260101"};
        for (String full : tags) {
            for (int n = 0; n <= full.length() / 2; n++) {
                String cut = full.substring(0, n * 2);
                FlvToMedia fresh = new FlvToMedia();
                ByteBuf body = tag(cut);
                try {
                    MediaPacket p = full.startsWith("af") ? fresh.audio(0, body) : fresh.video(0, body);
                    if (p != null) {
                        p.release();
                    }
                } catch (FlvException expected) {
                    // a clear refusal is fine
                } finally {
                    body.release();
                }
            }
        }
    }
}
