package io.aqueduct.hls.internal.stream;

import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.playlist.MediaPlaylistWriter;
import io.aqueduct.hls.internal.playlist.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stream's complete segments and playlists to {@code <root>/<app>/<stream>/} as well, for a web server or
 * CDN origin that serves files: {@code <n>.ts}, {@code <n>.m4s}, {@code init-<hash>.mp4}, {@code index.m3u8} and
 * {@code ll.m3u8} (complete CMAF segments only: parts and blocking reload need the node); no {@code .ts} and no
 * {@code index.m3u8} for a stream without an MPEG-TS rendering (HEVC). Files are written whole under a temporary name
 * and renamed, so a reader never sees half a segment; segments that leave the node's memory leave the disk too.
 * A write that fails is logged and reported; serving from memory goes on.
 */
final class DiskMirror {
    private static final Logger LOG = LoggerFactory.getLogger(DiskMirror.class);
    private final Path dir;
    private final Set<String> written = new HashSet<>();
    private volatile String problem;

    DiskMirror(Path root, StreamKey key) {
        this.dir = root.resolve(key.app()).resolve(key.name());
    }

    String problem() {
        return problem;
    }

    /**
     * After a segment completed: its files, the playlists, and the removal of what left the window.
     *
     * @param classic the classic playlist of {@code snapshot}, null for a stream without MPEG-TS
     */
    void segmentCompleted(HlsSnapshot snapshot, byte[] classic) {
        try {
            Files.createDirectories(dir);
            Set<String> keep = new HashSet<>();
            for (Segment s : snapshot.segments()) {
                if (s.ts() != null) {
                    keep.add(s.tsName());
                }
                keep.add(s.fmp4Name());
                if (s.init() != null) {
                    keep.add(s.init().name());
                }
                if (!written.contains(s.fmp4Name())) {
                    if (s.ts() != null) {
                        write(s.tsName(), s.ts().buffer());
                    }
                    write(s.fmp4Name(), s.fmp4().buffer());
                    if (s.init() != null && !written.contains(s.init().name())) {
                        write(s.init().name(), s.init().data().buffer());
                    }
                }
            }
            if (classic != null) {
                write("index.m3u8", ByteBuffer.wrap(classic));
                keep.add("index.m3u8");
            }
            write("ll.m3u8", ByteBuffer.wrap(MediaPlaylistWriter.cmafSegments(snapshot.listed(),
                    snapshot.targetDurationSeconds(), snapshot.ended()).getBytes(StandardCharsets.UTF_8)));
            keep.add("ll.m3u8");
            for (String name : Set.copyOf(written)) {
                if (!keep.contains(name)) {
                    Files.deleteIfExists(dir.resolve(name));
                    written.remove(name);
                }
            }
            problem = null;
        } catch (IOException e) {
            problem = "cannot write HLS files to " + dir + ": " + e.getMessage();
            LOG.warn("{}", problem);
        }
    }

    /** The stream's end: the playlists get their EXT-X-ENDLIST. */
    void ended(HlsSnapshot snapshot, byte[] classic) {
        if (!written.isEmpty()) {
            segmentCompleted(snapshot, classic);
        }
    }

    /** The stream's memory is freed: its files go too. */
    void remove() {
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("Cannot remove {}: {}", dir, e.getMessage());
        }
        written.clear();
    }

    private void write(String name, ByteBuffer data) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (data.hasRemaining()) {
                out.write(data);
            }
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.add(name);
    }
}
