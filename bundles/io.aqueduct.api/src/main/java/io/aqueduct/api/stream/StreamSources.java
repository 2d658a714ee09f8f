package io.aqueduct.api.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** What a playback protocol does with the {@link StreamSource} services when a viewer asks for a stream not live. */
public final class StreamSources {

    private StreamSources() {
    }

    /**
     * Asks every source at once.
     *
     * @return a stage completed with null as soon as one source has brought the stream in, or with the sources'
     *         reasons (joined with "; ") when none could; a source that throws, fails or does not answer within the
     *         timeout counts as unable, with that as its reason
     */
    public static CompletionStage<String> request(Collection<StreamSource> sources, StreamKey key, long timeout,
            TimeUnit unit) {
        List<StreamSource> asked = List.copyOf(sources);
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture("nothing can bring it here");
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        List<String> reasons = new ArrayList<>();
        for (StreamSource source : asked) {
            CompletableFuture<String> answer;
            try {
                answer = source.request(key).toCompletableFuture().copy();
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.completeOnTimeout("no answer within " + unit.toMillis(timeout) + " ms", timeout, unit)
                    .whenComplete((reason, error) -> {
                        synchronized (reasons) {
                            if (error == null && reason == null) {
                                result.complete(null);
                                return;
                            }
                            Throwable cause = error != null && error.getCause() != null ? error.getCause() : error;
                            reasons.add(cause != null ? String.valueOf(cause) : reason);
                            if (reasons.size() == asked.size()) {
                                result.complete(String.join("; ", reasons));
                            }
                        }
                    });
        }
        return result;
    }
}
