package io.aqueduct.edge.internal.edge;

import io.aqueduct.edge.internal.testing.RawPeer;
import io.aqueduct.edge.internal.wire.RelayFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An origin of relay protocol version 1, as the code before version 2 answered: a HELLO of another version is
 * refused naming its own and the connection closed; a version 1 HELLO is welcomed (and then nothing is said).
 */
final class OldOrigin implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Thread thread;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** The version of each HELLO, in order. */
    final List<Integer> helloVersions = new CopyOnWriteArrayList<>();

    OldOrigin() throws IOException {
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    accepted.add(s);
                    RawPeer origin = new RawPeer(s, false);
                    RelayFrame.Hello hello = (RelayFrame.Hello) origin.read();
                    helloVersions.add(hello.version());
                    if (hello.version() != 1) {
                        origin.send(new RelayFrame.Refused("protocol version " + hello.version()
                                + " is not supported; this origin speaks 1"));
                        s.close();
                    } else {
                        origin.send(new RelayFrame.Welcome(1, "old-origin"));
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "old-origin");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
        thread.join(5000);
    }
}
