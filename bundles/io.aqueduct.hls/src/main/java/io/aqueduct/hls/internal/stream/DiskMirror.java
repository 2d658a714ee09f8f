package io.aqueduct.hls.internal.stream;

import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.playlist.MediaPlaylistWriter;
import io.aqueduct.hls.internal.playlist.Segment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stream's complete segments and playlists to {@code <root>/<app>/<stream>/} as well, for a web server or
 * CDN origin that serves files: {@code <n>.ts}, {@code <n>.m4s}, {@code init-<hash>.mp4}, {@code index.m3u8} and
 * {@code ll.m3u8} (complete CMAF segments only: parts and blocking reload need the node). Files are written whole under a temporary name and
 * renamed, so a reader never sees half a segment; segments that leave the node's memory leave the disk too.
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

    /** After a segment completed: its files, the playlists, and the removal of what left the window. */
    void segmentCompleted(HlsSnapshot snapshot) {
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
                        write(s.tsName(), List.of(s.ts().toArray()));
                    }
                    write(s.fmp4Name(), List.of(s.fmp4().toArray()));
                    if (s.init() != null && !written.contains(s.init().name())) {
                        write(s.init().name(), List.of(s.init().data().toArray()));
                    }
                }
            }
            write("index.m3u8", List.of(snapshot.classicPlaylist().getBytes(StandardCharsets.UTF_8)));
            write("ll.m3u8", List.of(MediaPlaylistWriter.cmafSegments(snapshot.listed(),
                    snapshot.targetDurationSeconds(), snapshot.ended()).getBytes(StandardCharsets.UTF_8)));
            keep.add("index.m3u8");
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
    void ended(HlsSnapshot snapshot) {
        if (!written.isEmpty()) {
            segmentCompleted(snapshot);
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

    private void write(String name, List<byte[]> data) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (byte[] b : data) {
                out.write(b);
            }
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.add(name);
    }
}
