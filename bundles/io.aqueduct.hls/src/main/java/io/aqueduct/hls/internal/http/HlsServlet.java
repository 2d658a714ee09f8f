package io.aqueduct.hls.internal.http;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamSource;
import io.aqueduct.api.stream.StreamSources;
import io.aqueduct.api.stream.ViewerCount;
import io.aqueduct.hls.internal.HlsService;
import io.aqueduct.hls.internal.playlist.InitSection;
import io.aqueduct.hls.internal.playlist.Part;
import io.aqueduct.hls.internal.playlist.Payload;
import io.aqueduct.hls.internal.playlist.RenditionReport;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.stream.HlsSnapshot;
import io.aqueduct.hls.internal.stream.HlsStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Serves HLS from memory under {@code /<app>/<stream>/} (RFC 8216, RFC 8216bis):
 *
 * <table>
 *   <caption>resources</caption>
 *   <tr><td>{@code index.m3u8}</td><td>classic playlist over MPEG-TS segments {@code <msn>.ts}</td></tr>
 *   <tr><td>{@code ll.m3u8}</td><td>LL-HLS playlist over CMAF: {@code init-<hash>.mp4}, segments {@code <msn>.m4s},
 *       parts {@code <msn>.<part>.m4s}; blocking reload with {@code _HLS_msn} / {@code _HLS_part}</td></tr>
 *   <tr><td>{@code master.m3u8}</td><td>this stream and the streams published as its renditions
 *       ({@link HlsRenditions})</td></tr>
 * </table>
 *
 * <p>Registered as the default servlet, so it sees only what no other servlet takes ({@code /health}, the console).
 * Blocking requests are parked without a thread (servlet async) and bounded per node; a request for a part that
 * the playlist's preload hint announces is parked the same way until the part exists.
 */
@Component(service = {Servlet.class, ViewerCount.class})
@HttpWhiteboardContextSelect(HttpContexts.SELECT_PUBLIC)
@HttpWhiteboardServletPattern("/")
@HttpWhiteboardServletName("aqueduct-hls")
@HttpWhiteboardServletAsyncSupported
public final class HlsServlet extends HttpServlet implements ViewerCount {
    private static final long serialVersionUID = 1L;
    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final Pattern PATH = Pattern.compile("/([^/]+)/([^/]+)/([^/]+)");
    private static final Pattern SEGMENT = Pattern.compile("(\\d{1,18})\\.(ts|m4s)");
    private static final Pattern PART = Pattern.compile("(\\d{1,18})\\.(\\d{1,6})\\.m4s");
    private static final Pattern INIT = Pattern.compile("init-[0-9a-f]{8}\\.mp4");
    private static final String TIMED_OUT = "aqueduct.hls.timedOut";
    private static final String SLOT = "aqueduct.hls.slot";
    /** A client gets this long for one segment or part; then the connection is dropped. */
    private static final long SEND_TIMEOUT_MS = 60_000;

    /** How long a playlist request waits for a stream that a source brings in (an edge's pull). */
    static final long SOURCE_TIMEOUT_MS = 10_000;
    private static final String SOURCED = "aqueduct.hls.sourced";

    private final transient HlsService service;
    private final transient List<StreamSource> sources = new CopyOnWriteArrayList<>();
    private final transient HlsViewers viewers;
    private final transient HlsRenditions renditions;

    @Activate
    public HlsServlet(@Reference HlsService service) {
        this.service = service;
        this.renditions = new HlsRenditions(service);
        // a player reloads its playlist at least once per target duration: three of them see every one still playing
        this.viewers = new HlsViewers(TimeUnit.MICROSECONDS.toNanos(Math.max(6_000_000,
                3 * service.options().hls().targetDurationMicros())), System::nanoTime);
    }

    @Override
    public String protocol() {
        return "hls";
    }

    @Override
    public Map<StreamKey, Integer> viewers() {
        return viewers.viewers();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(StreamSource source) {
        sources.add(source);
    }

    void removeSource(StreamSource source) {
        sources.remove(source);
    }

    @Override
    protected void doOptions(HttpServletRequest request, HttpServletResponse response) {
        cors(response);
        response.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers", "*");
        response.setHeader("Access-Control-Max-Age", "86400");
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        cors(response);
        String path = request.getPathInfo() == null ? request.getServletPath() : request.getServletPath()
                + request.getPathInfo();
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            error(response, 404, "Not found: " + path + ". HLS lives at /<app>/<stream>/index.m3u8 (classic), "
                    + "ll.m3u8 (low latency) or master.m3u8; the player at /play.html?stream=<app>/<stream>");
            return;
        }
        StreamKey key;
        try {
            key = StreamKey.of(m.group(1), m.group(2));
        } catch (IllegalArgumentException e) {
            error(response, 400, e.getMessage());
            return;
        }
        String file = m.group(3);
        Optional<HlsStream> found = service.stream(key);
        String client = HlsViewers.client(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
        // not here, or ended and kept for its grace period where a source may bring it again (an edge released it)
        boolean absent = found.isEmpty() || found.get().snapshot().ended() && !sources.isEmpty();
        if (absent && request.getAttribute(SOURCED) == null && file.endsWith(".m3u8") && fromSources(request, key)) {
            viewers.seen(key, client);
            return; // parked until a source brought the stream in and its first segment is there
        }
        if (found.isEmpty()) {
            Object why = request.getAttribute(SOURCED);
            error(response, 404, "Stream " + key + " is not live on this node"
                    + (why instanceof String reason ? ": " + reason : ""));
            return;
        }
        HlsStream stream = found.get();
        viewers.seen(key, client);
        HlsSnapshot now = stream.snapshot();
        boolean firstPlaylist = file.equals("index.m3u8") || file.equals("ll.m3u8")
                && request.getParameter("_HLS_msn") == null;
        if (firstPlaylist && now.segments().isEmpty() && !now.ended() && request.getAttribute(SOURCED) == null
                && request.isAsyncSupported()) {
            // a stream that started a moment ago (or that this edge just pulled): a playlist without a segment
            // would send the player away empty-handed, so it waits for the first one, as for a stream brought in
            park(request, "no segment within " + SOURCE_TIMEOUT_MS / 1000 + " s", answer -> awaitFirstSegment(stream,
                    answer));
            return;
        }
        switch (file) {
            case "index.m3u8" -> classic(response, stream);
            case "ll.m3u8" -> lowLatency(request, response, stream);
            case "master.m3u8" -> playlist(response, renditions.master(key));
            default -> media(request, response, stream, file);
        }
    }

    /**
     * A playlist request for a stream that is not live here: asks the {@link StreamSource} services (an edge pulls
     * the stream from its origin) and parks the request until the stream's first segment exists, so the player's
     * first playlist has media. The request comes back through {@code doGet} with attribute {@value #SOURCED} set:
     * {@code TRUE} when the stream came, or the reason it did not.
     *
     * @return false when there is no source to ask (the stream is simply not here)
     */
    private boolean fromSources(HttpServletRequest request, StreamKey key) {
        List<StreamSource> asked = List.copyOf(sources);
        if (asked.isEmpty() || !request.isAsyncSupported()) {
            return false;
        }
        park(request, "it did not arrive within " + SOURCE_TIMEOUT_MS / 1000 + " s", answer -> StreamSources
                .request(asked, key, SOURCE_TIMEOUT_MS, TimeUnit.MILLISECONDS).whenComplete((reason, error) -> {
                    Optional<HlsStream> stream = service.stream(key);
                    if (error != null || reason != null || stream.isEmpty()) {
                        answer.accept(error != null ? String.valueOf(error)
                                : reason != null ? reason : "it ended as soon as it came");
                    } else {
                        awaitFirstSegment(stream.get(), answer);
                    }
                }));
        return true;
    }

    /**
     * Parks a request for at most {@value #SOURCE_TIMEOUT_MS} ms; {@code start} is given the answer to call. The request
     * comes back through {@code doGet} with {@value #SOURCED} set to the answer, or to {@code timedOut}.
     */
    private static void park(HttpServletRequest request, String timedOut,
            java.util.function.Consumer<java.util.function.Consumer<Object>> start) {
        AsyncContext async = request.startAsync();
        async.setTimeout(SOURCE_TIMEOUT_MS + 1000);
        AtomicBoolean answered = new AtomicBoolean();
        java.util.function.Consumer<Object> answer = outcome -> {
            if (answered.compareAndSet(false, true)) {
                request.setAttribute(SOURCED, outcome);
                dispatch(async);
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                answer.accept(timedOut);
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        start.accept(answer);
    }

    /** Answers {@code TRUE} once the stream has a segment (at once when it has one, or has ended). */
    private static void awaitFirstSegment(HlsStream stream, java.util.function.Consumer<Object> answer) {
        Runnable wake = () -> answer.accept(Boolean.TRUE);
        if (!stream.await(snapshot -> !snapshot.segments().isEmpty(), wake)) {
            wake.run();
        }
    }

    private static void classic(HttpServletResponse response, HlsStream stream) throws IOException {
        HlsSnapshot snapshot = stream.snapshot();
        boolean started = snapshot.growing() != null || !snapshot.segments().isEmpty();
        if (started && !stream.hasTs()) {
            error(response, 404, "Stream " + stream.key() + " is HEVC, which HLS carries in fMP4 only: play "
                    + "ll.m3u8 or master.m3u8");
            return;
        }
        playlist(response, stream.classicPlaylist());
    }

    private void lowLatency(HttpServletRequest request, HttpServletResponse response, HlsStream stream)
            throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            releaseSlot(request);
            if (request.getAttribute(TIMED_OUT) != null) {
                error(response, 503, "The requested part did not come within three target durations; is the "
                        + "publisher still sending?");
                return;
            }
            playlist(response, lowLatencyPlaylist(stream));
            return;
        }
        String msnParam = request.getParameter("_HLS_msn");
        String partParam = request.getParameter("_HLS_part");
        if (msnParam == null) {
            if (partParam != null) {
                error(response, 400, "_HLS_part needs _HLS_msn");
                return;
            }
            playlist(response, lowLatencyPlaylist(stream));
            return;
        }
        long msn;
        int part;
        try {
            msn = Long.parseLong(msnParam);
            part = partParam == null ? -1 : Integer.parseInt(partParam);
        } catch (NumberFormatException e) {
            error(response, 400, "_HLS_msn and _HLS_part must be non-negative integers, got _HLS_msn=" + msnParam
                    + " _HLS_part=" + partParam);
            return;
        }
        HlsSnapshot now = stream.snapshot();
        if (msn < 0 || (partParam != null && part < 0)) {
            error(response, 400, "_HLS_msn and _HLS_part must be non-negative integers");
            return;
        }
        if (msn > now.lastSequenceNumber() + 2) {
            // RFC 8216bis 6.2.5.2: more than two segments ahead of the playlist is a client error
            error(response, 400, "_HLS_msn=" + msn + " is too far ahead: the newest segment is "
                    + now.lastSequenceNumber());
            return;
        }
        park(request, response, stream, s -> s.has(msn, part), () -> playlist(response,
                lowLatencyPlaylist(stream)));
    }

    /** Hands a request back to the container until {@code ready} holds; answers at once when it does already. */
    private void park(HttpServletRequest request, HttpServletResponse response, HlsStream stream,
            Predicate<HlsSnapshot> ready, IoAction now) throws IOException {
        if (stream.snapshot().ended() || ready.test(stream.snapshot())) {
            now.run();
            return;
        }
        if (!request.isAsyncSupported()) {
            // something in front of this servlet cannot park requests: answer with what there is
            now.run();
            return;
        }
        if (!service.tryBlock()) {
            // 429, not 503: a player that gets it retries after a second, and it is no outage of this node
            response.setHeader("Retry-After", "1");
            error(response, 429, "Too many blocking requests parked on this node (" + service.options().maxBlocked()
                    + ", setting max.blocked.requests); retry after a second");
            return;
        }
        Slot slot = new Slot();
        AsyncContext async;
        try {
            request.setAttribute(SLOT, slot);
            async = request.startAsync();
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        async.setTimeout(3L * stream.snapshot().targetDurationSeconds() * 1000);
        AtomicBoolean woken = new AtomicBoolean();
        Runnable wake = () -> {
            if (woken.compareAndSet(false, true)) {
                dispatch(async);
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) {
                // Jetty lets only this thread dispatch now: answer from here, whether or not a wake came meanwhile
                stream.cancel(wake);
                if (woken.compareAndSet(false, true)) {
                    request.setAttribute(TIMED_OUT, Boolean.TRUE);
                }
                dispatch(async);
            }

            @Override
            public void onComplete(AsyncEvent event) {
                slot.release();
            }

            @Override
            public void onError(AsyncEvent event) {
                woken.set(true);
                stream.cancel(wake);
                slot.release();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        if (!stream.await(ready, wake)) {
            wake.run();
        }
    }

    /** Hands a parked request back to the container; a request that has moved on (timed out, failed) stays put. */
    private static void dispatch(AsyncContext async) {
        try {
            async.dispatch();
        } catch (IllegalStateException e) {
            // already dispatched or completed by the other side of a race: nothing left to do
        }
    }

    /** One of the node's blocking-request slots, given back once. */
    private final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                service.unblock();
            }
        }
    }

    private static void releaseSlot(HttpServletRequest request) {
        Object slot = request.getAttribute(SLOT);
        if (slot instanceof Slot s) {
            s.release();
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void media(HttpServletRequest request, HttpServletResponse response, HlsStream stream, String file)
            throws IOException {
        HlsSnapshot snapshot = stream.snapshot();
        Matcher m;
        if ((m = PART.matcher(file)).matches()) {
            long msn = Long.parseLong(m.group(1));
            int index = Integer.parseInt(m.group(2));
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                releaseSlot(request);
                snapshot = stream.snapshot();
            } else if (snapshot.part(msn, index) == null && isNext(snapshot, msn, index)) {
                // a preload hint: answer when the part exists (RFC 8216bis 6.2.6)
                park(request, response, stream, s -> s.part(msn, index) != null || s.lastSequenceNumber() > msn,
                        () -> part(request, response, stream.snapshot().part(msn, index), stream));
                return;
            }
            part(request, response, snapshot.part(msn, index), stream);
            return;
        }
        if ((m = SEGMENT.matcher(file)).matches()) {
            Segment segment = snapshot.segment(Long.parseLong(m.group(1)));
            boolean ts = m.group(2).equals("ts");
            if (segment == null || ts && segment.ts() == null) {
                error(response, 404, "Segment " + file + " of " + stream.key() + " is not (or no longer) available");
                return;
            }
            media(request, response, ts ? "video/mp2t" : "video/iso.segment", stream,
                    ts ? segment.ts() : segment.fmp4());
            return;
        }
        if (INIT.matcher(file).matches()) {
            InitSection init = snapshot.init(file);
            if (init == null) {
                error(response, 404, "No initialization section " + file + " for " + stream.key());
                return;
            }
            media(request, response, "video/mp4", stream, init.data());
            return;
        }
        error(response, 404, "No " + file + " under " + stream.key() + ": HLS files are index.m3u8, ll.m3u8, "
                + "master.m3u8, <n>.ts, <n>.m4s, <n>.<part>.m4s and init-<hash>.mp4");
    }

    /** Whether a missing part is the next one or the one after, which a player may ask for ahead of time. */
    private static boolean isNext(HlsSnapshot s, long msn, int index) {
        long last = s.lastSequenceNumber();
        if (s.ended() || last < 0) {
            return false;
        }
        boolean growing = s.growing() != null;
        if (msn == last && growing) {
            return index <= s.lastPart() + 2;
        }
        return msn == last + 1 && index <= 1;
    }

    private void part(HttpServletRequest request, HttpServletResponse response, Part part, HlsStream stream)
            throws IOException {
        if (part == null) {
            error(response, 404, "That part of " + stream.key() + " is not (or no longer) available");
            return;
        }
        media(request, response, "video/iso.segment", stream, part.data());
    }

    private void media(HttpServletRequest request, HttpServletResponse response, String type, HlsStream stream,
            Payload data) throws IOException {
        response.setContentType(type);
        // a name may come back after a stream ends and is published anew: cache no longer than a window
        HlsSnapshot s = stream.snapshot();
        long maxAge = (long) s.settings().windowSegments() * s.targetDurationSeconds();
        response.setHeader("Cache-Control", "public, max-age=" + maxAge);
        response.setContentLength(data.size());
        if (!request.isAsyncSupported() || "HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(data.buffer());
        } else {
            sendAsync(request, response, data.buffer());
        }
    }

    /**
     * Writes a body without holding a thread while the client reads it: a viewer on a slow link takes seconds for
     * a segment, and a thread each would let a few hundred of them starve everyone else. The direct buffer goes to
     * the socket as it is.
     */
    private static void sendAsync(HttpServletRequest request, HttpServletResponse response, ByteBuffer body)
            throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(SEND_TIMEOUT_MS);
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(new WriteListener() {
            private boolean written;

            @Override
            public void onWritePossible() throws IOException {
                while (out.isReady()) {
                    if (written) {
                        async.complete();
                        return;
                    }
                    written = true;
                    out.write(body);
                }
            }

            @Override
            public void onError(Throwable t) {
                async.complete();
            }
        });
    }

    /** The LL-HLS playlist: the cached one, or with rendition reports when the stream has other renditions. */
    private byte[] lowLatencyPlaylist(HlsStream stream) {
        List<RenditionReport> reports = renditions.reports(stream.key());
        return reports.isEmpty() ? stream.lowLatencyPlaylist()
                : stream.snapshot().lowLatencyPlaylist(reports).getBytes(StandardCharsets.UTF_8);
    }

    private static void playlist(HttpServletResponse response, String text) throws IOException {
        playlist(response, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void playlist(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentType(PLAYLIST_TYPE);
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void cors(HttpServletResponse response) {
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("Access-Control-Expose-Headers", "Content-Length, Date");
    }

    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
