package io.aqueduct.core.internal.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Keeps the node's generated id in a file, so a node keeps its identity across restarts. */
final class NodeIdStore {
    private final Path file;

    NodeIdStore(Path file) {
        this.file = file;
    }

    /** The stored id, or a new one written to the file. */
    String loadOrCreate() throws IOException {
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (NodeSettings.NAME.matcher(id).matches()) {
                return id;
            }
            throw new IOException(file + " holds '" + id + "', not a node id; delete the file to get a new id");
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String id = "node-" + HexFormat.of().formatHex(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return id;
    }
}
