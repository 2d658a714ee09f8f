package io.aqueduct.transcode.internal.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {

    @Test
    void theDefaultLadderIs720And480And240WithAudioReencodedOnlyAt240() {
        Ladder l = Ladder.parse(Ladder.DEFAULT);
        assertThat(l.renditions()).containsExactly(new Rendition(720, 2_500_000, 0), new Rendition(480, 1_200_000, 0),
                new Rendition(240, 400_000, 64_000));
        assertThat(l).hasToString(Ladder.DEFAULT);
        assertThat(Ladder.parse(l.toString())).isEqualTo(l);
    }

    @Test
    void renditionsAreSortedTallestFirstAndBitratesTakeKAndM() {
        Ladder l = Ladder.parse(" 360p:800000 ,1080p:4.5M:192k,");
        assertThat(l.renditions()).containsExactly(new Rendition(1080, 4_500_000, 192_000),
                new Rendition(360, 800_000, 0));
    }

    @Test
    void aPlanNeverUpscalesAndKeepsTheAspectRatioInEvenWidths() {
        Ladder l = Ladder.parse(Ladder.DEFAULT);
        assertThat(l.plan(1280, 720)).extracting(p -> p.width() + "x" + p.height())
                .containsExactly("1280x720", "854x480", "426x240");
        assertThat(l.plan(640, 480)).extracting(p -> p.width() + "x" + p.height())
                .containsExactly("640x480", "320x240");
        assertThat(l.plan(320, 180)).isEmpty();
        assertThat(l.plan(1080, 1920)).extracting(p -> p.width() + "x" + p.height()).as("portrait")
                .containsExactly("406x720", "270x480", "136x240");
    }

    @Test
    void badRenditionsSayWhichAndWhy() {
        for (String[] bad : List.of(
                new String[] {"720:2500k", "must end in p"},
                new String[] {"720p", "is not <height>p:<video bitrate>"},
                new String[] {"721p:1M", "must be even"},
                new String[] {"720p:fast", "'fast' is not a bitrate"},
                new String[] {"720p:1M:1k", "audio bitrate 1000"},
                new String[] {"720p:1M, 720p:2M", "two renditions of 720p"},
                new String[] {" , ", "at least one rendition"})) {
            assertThatThrownBy(() -> Ladder.parse(bad[0])).as(bad[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad[1]);
        }
    }
}
