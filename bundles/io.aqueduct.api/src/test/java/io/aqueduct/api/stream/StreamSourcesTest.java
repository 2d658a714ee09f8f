package io.aqueduct.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamSourcesTest {
    private static final StreamKey KEY = StreamKey.parse("live/cam");

    private static String ask(List<StreamSource> sources) throws Exception {
        return StreamSources.request(sources, KEY, 300, TimeUnit.MILLISECONDS).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void oneSourceThatBringsTheStreamIsEnough() throws Exception {
        StreamSource no = key -> CompletableFuture.completedFuture("not on origin A");
        StreamSource later = key -> CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        assertThat(ask(List.of(no, later))).isNull();
    }

    @Test
    void whenNoneCanTheReasonsAreJoinedIncludingFailuresAndSilence() throws Exception {
        StreamSource no = key -> CompletableFuture.completedFuture("no origin has " + key);
        StreamSource throwing = key -> {
            throw new IllegalStateException("registry not ready");
        };
        StreamSource silent = key -> new CompletableFuture<>();
        String reason = ask(List.of(no, throwing, silent));
        assertThat(reason).contains("no origin has live/cam").contains("registry not ready")
                .contains("no answer within 300 ms");
    }

    @Test
    void noSourceAtAllSaysSo() throws Exception {
        assertThat(ask(List.of())).isEqualTo("nothing can bring it here");
    }
}
