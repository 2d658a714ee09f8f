package io.aqueduct.transcode.internal.stream;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * A test source: the ffmpeg CLI encodes its test pattern (and a tone) into an FLV file; FFmpeg's demuxer reads it
 * back as hub packets (H.264 length-prefixed with its avcC, AAC with its AudioSpecificConfig), as RTMP ingest would
 * make them. Public for bench/transcode-ladder.
 */
public final class MediaFile {
    private MediaFile() {
    }

    /** Encodes {@code seconds} of 30 fps {@code size} video (GOP {@code gop} frames, B-frames) and/or AAC audio. */
    public static Path make(Path dir, String name, String size, double seconds, int gop, boolean video, boolean audio)
            throws IOException, InterruptedException {
        return make(dir, name, size, seconds, gop, video, audio ? "aac" : null);
    }

    /** The same, with the audio in {@code audioCodec} ({@code aac}; {@code libopus} goes in Matroska). */
    public static Path make(Path dir, String name, String size, double seconds, int gop, boolean video,
            String audioCodec) throws IOException, InterruptedException {
        boolean audio = audioCodec != null;
        boolean flv = !audio || audioCodec.equals("aac") || audioCodec.equals("libmp3lame");
        Path out = dir.resolve(name + (flv ? ".flv" : ".mkv"));
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        if (video) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=30:duration=" + seconds));
        }
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds));
        }
        if (video) {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", Integer.toString(gop),
                    "-keyint_min", Integer.toString(gop), "-sc_threshold", "0", "-pix_fmt", "yuv420p"));
        }
        if (audio) {
            cmd.addAll(List.of("-c:a", audioCodec, "-b:a", "128k"));
        }
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + ": " + output);
        }
        return out;
    }

    /** The file's packets in file order, timestamps in microseconds. */
    public static List<MediaPacket> read(Path file) throws IOException {
        AVFormatContext format = new AVFormatContext(null);
        if (avformat_open_input(format, file.toString(), null, (AVDictionary) null) < 0) {
            throw new IOException("cannot open " + file);
        }
        List<MediaPacket> out = new ArrayList<>();
        AVPacket packet = av_packet_alloc();
        try {
            avformat_find_stream_info(format, (AVDictionary) null);
            Track[] tracks = new Track[format.nb_streams()];
            AVRational[] bases = new AVRational[format.nb_streams()];
            for (int i = 0; i < format.nb_streams(); i++) {
                AVStream s = format.streams(i);
                AVCodecParameters c = s.codecpar();
                byte[] config = new byte[c.extradata_size()];
                if (config.length > 0) {
                    c.extradata().get(config);
                }
                bases[i] = s.time_base();
                if (c.codec_id() == AV_CODEC_ID_H264) {
                    tracks[i] = Track.video(0, Codec.H264).config(config).size(c.width(), c.height()).build();
                } else if (c.codec_id() == AV_CODEC_ID_AAC || c.codec_id() == AV_CODEC_ID_OPUS
                        || c.codec_id() == AV_CODEC_ID_MP3) {
                    Codec codec = c.codec_id() == AV_CODEC_ID_AAC ? Codec.AAC
                            : c.codec_id() == AV_CODEC_ID_MP3 ? Codec.MP3 : Codec.OPUS;
                    tracks[i] = Track.audio(1, codec).config(config).audio(c.sample_rate(),
                            c.ch_layout().nb_channels()).build();
                }
            }
            AVRational micros = av_make_q(1, 1_000_000);
            while (av_read_frame(format, packet) >= 0) {
                Track t = tracks[packet.stream_index()];
                if (t != null) {
                    byte[] data = new byte[packet.size()];
                    packet.data().get(data);
                    long pts = av_rescale_q(packet.pts(), bases[packet.stream_index()], micros);
                    // Matroska stores no decoding time for some packets: without B-frames it is the pts
                    long dts = packet.dts() == AV_NOPTS_VALUE ? pts
                            : av_rescale_q(packet.dts(), bases[packet.stream_index()], micros);
                    out.add(MediaPacket.of(t, dts, pts, (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                            Unpooled.wrappedBuffer(data)));
                }
                av_packet_unref(packet);
            }
        } finally {
            av_packet_free(packet);
            avformat_close_input(format);
        }
        return out;
    }
}
