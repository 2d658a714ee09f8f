/**
 * FFmpeg (the JavaCPP presets, exported by this bundle as {@code org.bytedeco.ffmpeg.*}) and what this node can do
 * with it: {@link io.aqueduct.ffmpeg.FfmpegRuntime} tells when the natives are loaded and which encoders and GPU
 * path there are.
 */
@Export
@Version("1.0.0")
package io.aqueduct.ffmpeg;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
