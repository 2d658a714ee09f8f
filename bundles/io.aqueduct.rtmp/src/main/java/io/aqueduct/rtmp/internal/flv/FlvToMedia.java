package io.aqueduct.rtmp.internal.flv;

import static io.aqueduct.rtmp.internal.flv.FlvTags.*;

import io.aqueduct.api.codec.AacConfig;
import io.aqueduct.api.codec.AvcDecoderConfig;
import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Turns one publisher's FLV audio and video tag bodies into hub packets. Keeps the current video and audio
 * {@link Track}: a sequence header makes a new track (same id, new configuration) and returns no packet; the
 * frames after it refer to that track. Payloads are retained slices of the message body, never copies.
 *
 * <p>Video: H.264 (codec id 7), HEVC by Enhanced RTMP FourCC {@code hvc1} (and codec id 12, which some
 * encoders use), H.264 by FourCC {@code avc1}. Audio: AAC (sound format 10) and MP3 (2). Anything else is
 * refused with an {@link FlvException} that names the codec, so the publisher learns what to change.
 */
public final class FlvToMedia {
    public static final int VIDEO_TRACK_ID = 0;
    public static final int AUDIO_TRACK_ID = 1;
    private static final int[] FLV_RATES = {5512, 11025, 22050, 44100};

    private Track video;
    private Track audio;

    public Track videoTrack() {
        return video;
    }

    public Track audioTrack() {
        return audio;
    }

    /**
     * Maps a video message body. Does not take over {@code body}'s reference.
     *
     * @return the frame, or null when the tag configured the track or carries nothing to play
     */
    public MediaPacket video(long timestampMs, ByteBuf body) throws FlvException {
        int n = body.readableBytes();
        if (n < 1) {
            throw new FlvException("empty video tag");
        }
        int first = body.getUnsignedByte(body.readerIndex());
        if ((first & EX_HEADER) != 0) {
            return enhancedVideo(timestampMs, body, first);
        }
        int frameType = first >> 4;
        int codecId = first & 0x0f;
        if (frameType == FRAME_COMMAND) {
            return null;
        }
        Codec codec;
        if (codecId == VIDEO_AVC) {
            codec = Codec.H264;
        } else if (codecId == VIDEO_HEVC_LEGACY) {
            codec = Codec.H265;
        } else {
            throw new FlvException("video codec id " + codecId + " is not supported: publish H.264 or HEVC");
        }
        if (n < 5) {
            throw new FlvException("video tag of " + n + " bytes is too short for an AVC packet header");
        }
        int start = body.readerIndex();
        int packetType = body.getUnsignedByte(start + 1);
        int cts = body.getMedium(start + 2); // signed 24-bit composition time offset, ms
        if (packetType == AVC_SEQUENCE_HEADER) {
            video = videoTrack(codec, bytes(body, 5));
            return null;
        }
        if (packetType != AVC_NALU || n == 5) {
            return null; // end of sequence, or an empty frame
        }
        return frame(codec, timestampMs, cts, frameType == FRAME_KEY, body, 5);
    }

    private MediaPacket enhancedVideo(long timestampMs, ByteBuf body, int first) throws FlvException {
        int n = body.readableBytes();
        if (n < 5) {
            throw new FlvException("enhanced video tag of " + n + " bytes is too short for its FourCC");
        }
        int start = body.readerIndex();
        int frameType = (first >> 4) & 0x07;
        int packetType = first & 0x0f;
        int fourCc = body.getInt(start + 1);
        Codec codec;
        if (fourCc == FOURCC_HEVC) {
            codec = Codec.H265;
        } else if (fourCc == FOURCC_AVC) {
            codec = Codec.H264;
        } else {
            throw new FlvException("video codec '" + fourCcName(fourCc) + "' is not supported: publish H.264 or HEVC");
        }
        if (frameType == FRAME_COMMAND) {
            return null;
        }
        switch (packetType) {
            case EX_SEQUENCE_START:
                video = videoTrack(codec, bytes(body, 5));
                return null;
            case EX_CODED_FRAMES:
                if (n < 8) {
                    throw new FlvException("enhanced video frame of " + n + " bytes is too short");
                }
                return n == 8 ? null : frame(codec, timestampMs, body.getMedium(start + 5), frameType == FRAME_KEY, body, 8);
            case EX_CODED_FRAMES_X:
                return n == 5 ? null : frame(codec, timestampMs, 0, frameType == FRAME_KEY, body, 5);
            default:
                return null; // sequence end, metadata, multitrack: nothing to play
        }
    }

    private MediaPacket frame(Codec codec, long timestampMs, int ctsMs, boolean keyframe, ByteBuf body, int offset) {
        if (video == null || video.codec() != codec) {
            video = Track.video(VIDEO_TRACK_ID, codec).build(); // frames before any sequence header
        }
        long dts = timestampMs * 1000;
        ByteBuf payload = body.retainedSlice(body.readerIndex() + offset, body.readableBytes() - offset);
        return MediaPacket.of(video, dts, dts + ctsMs * 1000L, keyframe, payload);
    }

    private Track videoTrack(Codec codec, byte[] config) throws FlvException {
        Track.Builder b = Track.video(VIDEO_TRACK_ID, codec).config(config);
        if (codec == Codec.H264) {
            try {
                AvcDecoderConfig avc = AvcDecoderConfig.parse(config);
                b.size(avc.first().width(), avc.first().height());
            } catch (MalformedConfigException e) {
                throw new FlvException("H.264 sequence header is malformed: " + e.getMessage());
            }
        }
        return b.build();
    }

    /**
     * Maps an audio message body. Does not take over {@code body}'s reference.
     *
     * @return the frame, or null when the tag configured the track or is empty
     */
    public MediaPacket audio(long timestampMs, ByteBuf body) throws FlvException {
        int n = body.readableBytes();
        if (n < 1) {
            throw new FlvException("empty audio tag");
        }
        int first = body.getUnsignedByte(body.readerIndex());
        int format = first >> 4;
        if (format == AUDIO_AAC) {
            if (n < 2) {
                throw new FlvException("AAC tag of 1 byte has no packet type");
            }
            int packetType = body.getUnsignedByte(body.readerIndex() + 1);
            if (packetType == AAC_SEQUENCE_HEADER) {
                byte[] config = bytes(body, 2);
                try {
                    AacConfig aac = AacConfig.parse(config);
                    audio = Track.audio(AUDIO_TRACK_ID, Codec.AAC).config(config)
                            .audio(aac.sampleRate(), aac.channels()).build();
                } catch (MalformedConfigException e) {
                    throw new FlvException("AAC sequence header is malformed: " + e.getMessage());
                }
                return null;
            }
            if (packetType != AAC_RAW || n == 2) {
                return null;
            }
            if (audio == null || audio.codec() != Codec.AAC) {
                audio = Track.audio(AUDIO_TRACK_ID, Codec.AAC).build();
            }
            return audioFrame(timestampMs, body, 2);
        }
        if (format == AUDIO_MP3) {
            if (n == 1) {
                return null;
            }
            if (audio == null || audio.codec() != Codec.MP3) {
                audio = Track.audio(AUDIO_TRACK_ID, Codec.MP3)
                        .audio(FLV_RATES[(first >> 2) & 0x03], (first & 0x01) + 1).build();
            }
            return audioFrame(timestampMs, body, 1);
        }
        throw new FlvException("audio sound format " + format + " is not supported: publish AAC (or MP3)");
    }

    private MediaPacket audioFrame(long timestampMs, ByteBuf body, int offset) {
        long dts = timestampMs * 1000;
        ByteBuf payload = body.retainedSlice(body.readerIndex() + offset, body.readableBytes() - offset);
        return MediaPacket.of(audio, dts, dts, true, payload);
    }

    private static byte[] bytes(ByteBuf body, int offset) {
        return ByteBufUtil.getBytes(body, body.readerIndex() + offset, body.readableBytes() - offset);
    }
}
