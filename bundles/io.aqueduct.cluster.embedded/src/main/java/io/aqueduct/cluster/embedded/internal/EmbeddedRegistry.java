package io.aqueduct.cluster.embedded.internal;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;

/**
 * A server speaking the MongoDB wire protocol on one address, its data in one H2 MVStore file
 * (<a href="https://github.com/bwaldvogel/mongo-java-server">mongo-java-server</a> with its H2 backend). It needs no
 * OSGi: the {@link EmbeddedRegistryServer} component wraps it, and {@link io.aqueduct.cluster.embedded.RegistryCommand}
 * runs it as a process of its own.
 *
 * <p>What it lacks compared with MongoDB: the {@code hello} command (drivers fall back to {@code isMaster}), TTL
 * deletes, transactions, change streams (no oplog is enabled), users and roles (one user may be required:
 * {@link AuthenticatingBackend}) and TLS. The registry needs none
 * of them: liveness comes from heartbeat times, never from TTL indexes.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    /** Loopback: the registry has no authentication, so it is not exposed unless asked. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 27017;
    /** Relative to the Aqueduct home. */
    public static final String DEFAULT_PATH = "data/registry.mv.db";

    private final MongoServer server;
    private final InetSocketAddress address;
    private final Path path;

    private EmbeddedRegistry(MongoServer server, InetSocketAddress address, Path path) {
        this.server = server;
        this.address = address;
        this.path = path;
    }

    /**
     * Opens (or creates) the data file and listens.
     *
     * @param host the address to bind; {@code 127.0.0.1} keeps the registry on this machine
     * @param port the TCP port, or 0 for any free one (see {@link #address()})
     * @param path the H2 MVStore file; its directory is created when missing
     * @throws StartException with a message naming the file or the address when either cannot be used; nothing
     *     is left open then
     * @throws IOException when the file's directory cannot be created
     */
    public static EmbeddedRegistry start(String host, int port, Path path) throws IOException {
        return start(host, port, path, null, null);
    }

    /**
     * Opens (or creates) the data file and listens; with a user, a client must log in as that user (SCRAM-SHA-1,
     * the user in the {@code admin} database, as {@code mongodb://user:password@host/} does) before anything else.
     *
     * @param user the one user, or null for none (no authentication)
     * @param password that user's password; kept only as the keys SCRAM derives from it
     * @throws StartException as {@link #start(String, int, Path)}
     * @throws IllegalArgumentException a user with an empty password, or the other way round
     */
    public static EmbeddedRegistry start(String host, int port, Path path, String user, String password)
            throws IOException {
        ScramSha1Server login = user == null && password == null ? null : new ScramSha1Server(user, password);
        Path file = path.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        H2Backend backend;
        MVStore store = null;
        try {
            store = MVStore.open(file.toString());
            // reads every database in the file
            backend = login == null ? new H2Backend(store) : new AuthenticatingBackend(store, login);
        } catch (RuntimeException e) {
            if (store != null) {
                store.closeImmediately(); // else the file stays locked for the life of the JVM
            }
            throw new StartException(StartException.Part.DATA_FILE, "cannot open the registry data file " + file
                    + ": " + rootMessage(e), e);
        }
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(host, port); // on failure it shuts itself down, the backend with it
        } catch (Exception e) { // Netty rethrows the BindException unchecked
            backend.close();
            throw new StartException(StartException.Part.ADDRESS, "cannot listen on " + host + " port " + port
                    + ": " + rootMessage(e), e);
        }
        return new EmbeddedRegistry(server, server.getLocalAddress(), file);
    }

    /** Where it listens (the real port when started with port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** A URI the MongoDB driver accepts, for example {@code mongodb://127.0.0.1:27017}. */
    public String connectionString() {
        String host = address.getHostString();
        return "mongodb://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The data file. */
    public Path path() {
        return path;
    }

    /** Closes client connections, stops listening and closes the data file (committing what was written). */
    @Override
    public void close() {
        server.shutdownNow();
    }

    /** The registry could not start; {@link #part()} says whether the data file or the address was at fault. */
    public static final class StartException extends IOException {
        private static final long serialVersionUID = 1L;

        /** What could not be used. */
        public enum Part {
            /** The H2 file: locked by another registry, unreadable, not an MVStore file. */
            DATA_FILE,
            /** The host and port: taken, or not an address of this machine. */
            ADDRESS
        }

        private final Part part;

        StartException(Part part, String message, Throwable cause) {
            super(message, cause);
            this.part = part;
        }

        public Part part() {
            return part;
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = rootCause(e);
        if (t.getMessage() == null) {
            return t.getClass().getSimpleName();
        }
        // "Address already in use" speaks for itself; "de.bwaldvogel...Document" does not
        return t instanceof IOException ? t.getMessage() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
