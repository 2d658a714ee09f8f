package io.aqueduct.transcode.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_describe;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.ffmpeg.FfmpegException;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

/**
 * Re-encodes a source's audio (AAC, MP3 or Opus) to AAC-LC at one bitrate, same sample rate and channels: decode,
 * cut into the encoder's 1024-sample frames (an {@code abuffer -> aformat -> abuffersink} graph), encode.
 * Timestamps in microseconds. A corrupt packet is counted and skipped. Not thread-safe: one thread encodes.
 */
public final class AudioEncoder implements AutoCloseable {
    private final AVCodecContext decoder;
    private final AVCodecContext encoder;
    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext source = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private final Track sourceTrack;
    private final Track track;
    private long errors;

    /**
     * @param input the source's audio track (its configuration, sample rate and channels)
     * @param trackId the id of the re-encoded audio track
     */
    public AudioEncoder(Track input, long bitrate, int trackId) throws FfmpegException {
        this.sourceTrack = input;
        AVCodecContext d = null;
        AVCodecContext e = null;
        try {
            int id = input.codec() == Codec.AAC ? AV_CODEC_ID_AAC : input.codec() == Codec.MP3 ? AV_CODEC_ID_MP3
                    : input.codec() == Codec.OPUS ? AV_CODEC_ID_OPUS : -1;
            AVCodec dc = id < 0 ? null : avcodec_find_decoder(id);
            if (dc == null) {
                throw new FfmpegException("no decoder for " + input.codec() + " audio");
            }
            d = avcodec_alloc_context3(dc);
            Packets.setExtradata(d, input.config());
            d.pkt_timebase(av_make_q(1, 1_000_000));
            check(avcodec_open2(d, dc, (AVDictionary) null), "opening the " + input.codec() + " decoder");

            AVCodec ec = avcodec_find_encoder_by_name("aac");
            e = avcodec_alloc_context3(ec);
            int rate = d.sample_rate() > 0 ? d.sample_rate() : input.sampleRate();
            e.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(rate).bit_rate(bitrate).time_base(av_make_q(1, 1_000_000))
                    .flags(e.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            check(av_channel_layout_copy(e.ch_layout(), d.ch_layout()), "copying the channel layout");
            check(avcodec_open2(e, ec, (AVDictionary) null), "opening the AAC encoder at " + bitrate / 1000
                    + " kb/s for " + rate + " Hz");

            byte[] layout = new byte[64];
            av_channel_layout_describe(d.ch_layout(), layout, layout.length);
            check(avfilter_graph_create_filter(source, avfilter_get_by_name("abuffer"), "in", "time_base=1/1000000"
                    + ":sample_rate=" + rate + ":sample_fmt=" + d.sample_fmt() + ":channel_layout="
                    + cString(layout), (Pointer) null, graph), "creating the audio source");
            AVFilterContext format = new AVFilterContext();
            check(avfilter_graph_create_filter(format, avfilter_get_by_name("aformat"), "format",
                    "sample_fmts=fltp", (Pointer) null, graph), "creating aformat");
            check(avfilter_graph_create_filter(sink, avfilter_get_by_name("abuffersink"), "out", (String) null,
                    (Pointer) null, graph), "creating the audio sink");
            check(avfilter_link(source, 0, format, 0), "linking aformat");
            check(avfilter_link(format, 0, sink, 0), "linking the audio sink");
            check(avfilter_graph_config(graph, (Pointer) null), "configuring the audio graph");
            av_buffersink_set_frame_size(sink, e.frame_size());

            byte[] asc = Packets.bytes(e.extradata(), e.extradata_size());
            track = Track.audio(trackId, Codec.AAC).config(asc).audio(rate, e.ch_layout().nb_channels())
                    .bitrate(bitrate).build();
        } catch (FfmpegException ex) {
            if (d != null) {
                avcodec_free_context(d);
            }
            if (e != null) {
                avcodec_free_context(e);
            }
            freeRest();
            throw ex;
        }
        decoder = d;
        encoder = e;
    }

    private static String cString(byte[] text) {
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.US_ASCII);
    }

    private static void check(int result, String what) throws FfmpegException {
        if (result < 0) {
            throw new FfmpegException(what, result);
        }
    }

    /** The source track this encoder was made for. */
    public Track sourceTrack() {
        return sourceTrack;
    }

    /** The AAC track it makes. */
    public Track track() {
        return track;
    }

    public long errors() {
        return errors;
    }

    /** Re-encodes one source packet; {@code out} takes over each AAC packet that is ready. */
    public void encode(MediaPacket in, Consumer<MediaPacket> out) throws FfmpegException {
        Packets.fill(packet, in);
        int sent = avcodec_send_packet(decoder, packet);
        av_packet_unref(packet);
        if (sent < 0 && sent != Packets.EAGAIN) {
            errors++;
            return;
        }
        while (true) {
            int got = avcodec_receive_frame(decoder, frame);
            if (got == Packets.EAGAIN || got == AVERROR_EOF) {
                break;
            }
            if (got < 0) {
                errors++;
                break;
            }
            int pushed = av_buffersrc_add_frame_flags(source, frame, 0);
            av_frame_unref(frame);
            check(pushed, "queueing decoded audio");
        }
        while (av_buffersink_get_frame(sink, frame) >= 0) {
            int accepted = avcodec_send_frame(encoder, frame);
            av_frame_unref(frame);
            check(accepted, "encoding AAC");
            receive(out);
        }
    }

    private void receive(Consumer<MediaPacket> out) throws FfmpegException {
        while (true) {
            int got = avcodec_receive_packet(encoder, packet);
            if (got == Packets.EAGAIN || got == AVERROR_EOF) {
                return;
            }
            check(got, "encoding AAC");
            try {
                byte[] data = Packets.bytes(packet);
                out.accept(MediaPacket.of(track, packet.pts(), packet.pts(), true,
                        ByteBufAllocator.DEFAULT.buffer(data.length).writeBytes(data)));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void freeRest() {
        avfilter_graph_free(graph);
        av_packet_free(packet);
        av_frame_free(frame);
    }

    @Override
    public void close() {
        avcodec_free_context(decoder);
        avcodec_free_context(encoder);
        freeRest();
    }
}
