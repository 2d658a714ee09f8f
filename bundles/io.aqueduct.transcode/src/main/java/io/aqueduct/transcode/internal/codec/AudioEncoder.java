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
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
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
 * Re-encodes a source's audio (AAC, MP3 or Opus) to AAC-LC at one bitrate, the sample rate and channels of its first
 * frame: decode, bring to the encoder's format in its 1024-sample frames (an {@code abuffer -> aformat ->
 * abuffersink} graph), encode.
 * Timestamps in microseconds. A corrupt packet is counted and skipped. Not thread-safe: one thread encodes.
 */
public final class AudioEncoder implements AutoCloseable {
    private final AVCodecContext decoder;
    private AVCodecContext encoder;
    private AVFilterGraph graph;
    private AVFilterContext source;
    private AVFilterContext sink;
    /** What the graph was built for: sample rate, sample format and channel layout of the decoded frames. */
    private String graphInput;
    private final AVPacket packet = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private final Track sourceTrack;
    private final long bitrate;
    private final int trackId;
    private Track track;
    private long errors;

    /**
     * Opens the decoder; the AAC encoder opens on the first decoded frame, for its sample rate and channels (an MP3
     * or AAC track may only say them in its frames).
     *
     * @param input the source's audio track (its configuration, sample rate and channels)
     * @param trackId the id of the re-encoded audio track
     */
    public AudioEncoder(Track input, long bitrate, int trackId) throws FfmpegException {
        this.sourceTrack = input;
        this.bitrate = bitrate;
        this.trackId = trackId;
        AVCodecContext d = null;
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
            if (input.codec() == Codec.AAC && !input.hasConfig() && input.sampleRate() > 0 && input.channels() > 0) {
                // raw AAC without its AudioSpecificConfig: the decoder has only the container's word to go on (MP3
                // frames say their own rate and channels, which may differ from what FLV could label them)
                d.sample_rate(input.sampleRate());
                av_channel_layout_default(d.ch_layout(), input.channels());
            }
            check(avcodec_open2(d, dc, (AVDictionary) null), "opening the " + input.codec() + " decoder");
        } catch (FfmpegException | RuntimeException ex) {
            if (d != null) {
                avcodec_free_context(d);
            }
            av_packet_free(packet);
            av_frame_free(frame);
            throw ex;
        }
        decoder = d;
    }

    /**
     * The encoder for the first frame's rate and channels, and a graph that brings every frame to it in the
     * encoder's frame size (rebuilt when the frames change: MP3 in FLV cannot say 48 kHz, say).
     */
    private void prepare(AVFrame decoded) throws FfmpegException {
        byte[] layout = new byte[64];
        av_channel_layout_describe(decoded.ch_layout(), layout, layout.length);
        String input = "sample_rate=" + decoded.sample_rate() + ":sample_fmt=" + decoded.format() + ":channel_layout="
                + cString(layout);
        if (encoder == null) {
            AVCodec ec = avcodec_find_encoder_by_name("aac");
            AVCodecContext e = avcodec_alloc_context3(ec);
            e.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(decoded.sample_rate()).bit_rate(bitrate)
                    .time_base(av_make_q(1, 1_000_000)).flags(e.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            int copied = av_channel_layout_copy(e.ch_layout(), decoded.ch_layout());
            int opened = copied < 0 ? copied : avcodec_open2(e, ec, (AVDictionary) null);
            if (opened < 0) {
                avcodec_free_context(e);
                throw new FfmpegException("opening the AAC encoder at " + bitrate / 1000 + " kb/s for "
                        + decoded.sample_rate() + " Hz, " + cString(layout), opened);
            }
            encoder = e;
            track = Track.audio(trackId, Codec.AAC).config(Packets.bytes(e.extradata(), e.extradata_size()))
                    .audio(e.sample_rate(), e.ch_layout().nb_channels()).bitrate(bitrate).build();
        }
        if (input.equals(graphInput)) {
            return;
        }
        freeGraph();
        graph = avfilter_graph_alloc();
        source = new AVFilterContext();
        sink = new AVFilterContext();
        byte[] target = new byte[64];
        av_channel_layout_describe(encoder.ch_layout(), target, target.length);
        check(avfilter_graph_create_filter(source, avfilter_get_by_name("abuffer"), "in", "time_base=1/1000000:"
                + input, (Pointer) null, graph), "creating the audio source for " + input);
        AVFilterContext format = new AVFilterContext();
        check(avfilter_graph_create_filter(format, avfilter_get_by_name("aformat"), "format", "sample_fmts=fltp"
                + ":sample_rates=" + encoder.sample_rate() + ":channel_layouts=" + cString(target), (Pointer) null,
                graph), "creating aformat");
        check(avfilter_graph_create_filter(sink, avfilter_get_by_name("abuffersink"), "out", (String) null,
                (Pointer) null, graph), "creating the audio sink");
        check(avfilter_link(source, 0, format, 0), "linking aformat");
        check(avfilter_link(format, 0, sink, 0), "linking the audio sink");
        check(avfilter_graph_config(graph, (Pointer) null), "configuring the audio graph");
        av_buffersink_set_frame_size(sink, encoder.frame_size());
        graphInput = input;
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

    /** The AAC track it makes; null before the first frame was decoded. */
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
            try {
                prepare(frame);
                check(av_buffersrc_add_frame_flags(source, frame, 0), "queueing decoded audio");
            } finally {
                av_frame_unref(frame);
            }
            drainGraph(out);
        }
    }

    /** Sends what the graph and the encoder still hold (the end of the stream). */
    public void flush(Consumer<MediaPacket> out) throws FfmpegException {
        if (encoder == null) {
            return;
        }
        av_buffersrc_add_frame_flags(source, null, 0);
        drainGraph(out);
        avcodec_send_frame(encoder, null);
        receive(out);
    }

    private void drainGraph(Consumer<MediaPacket> out) throws FfmpegException {
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

    private void freeGraph() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
            graphInput = null;
        }
    }

    @Override
    public void close() {
        avcodec_free_context(decoder);
        if (encoder != null) {
            avcodec_free_context(encoder);
        }
        freeGraph();
        av_packet_free(packet);
        av_frame_free(frame);
    }
}
