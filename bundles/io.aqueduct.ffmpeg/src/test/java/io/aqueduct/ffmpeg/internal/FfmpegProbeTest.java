package io.aqueduct.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.FfmpegException;
import org.junit.jupiter.api.Test;

/** The real natives of the shipped FFmpeg build, loaded on this machine (no GPU here; CI has none either). */
class FfmpegProbeTest {

    @Test
    void theGplBuildLoadsWithBothSoftwareH264EncodersAndSaysWhyThereIsNoGpuPath() {
        FfmpegCapabilities c = FfmpegProbe.probe();
        System.out.println(c.describe());
        assertThat(c.version()).startsWith("8.1");
        assertThat(c.encoders()).containsExactly("libx264", "libopenh264");
        if (!c.cuda()) {
            assertThat(c.nvenc()).isFalse();
            assertThat(c.gpu()).startsWith("none (no CUDA device: ").endsWith("on the CPU");
        } else {
            assertThat(c.gpu()).startsWith("CUDA: decode on NVDEC");
        }
        assertThat(c.describe()).isEqualTo("FFmpeg " + c.version() + "; H.264 encoders libx264, libopenh264; GPU: "
                + c.gpu());
    }

    @Test
    void errorCodesReadAsFfmpegsText() {
        assertThat(FfmpegException.describe(-22)).isEqualTo("Invalid argument (-22)");
    }
}
