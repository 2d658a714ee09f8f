/**
 * FFmpeg 8.1 through JavaCPP as a bundle: the presets' classes ({@code org.bytedeco.ffmpeg.*}, exported for the
 * transcoder) and the GPL build's natives for linux-x86_64 (libx264, openh264, NVENC/NVDEC, scale_cuda), which
 * JavaCPP extracts to {@code data/javacpp} on first use ({@code bin/aqueduct} sets
 * {@code org.bytedeco.javacpp.cachedir}). {@code internal.FfmpegProbe} says what this node can do with them: the
 * FFmpeg version, the H.264 encoders at hand, and whether a CUDA GPU can decode (NVDEC) and encode (NVENC); the
 * {@code ffmpeg} health check reports it. Runs on standalone nodes and origins, where streams are transcoded.
 */
package io.aqueduct.ffmpeg;
