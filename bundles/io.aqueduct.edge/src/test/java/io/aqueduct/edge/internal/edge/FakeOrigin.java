package io.aqueduct.edge.internal.edge;

import io.aqueduct.edge.internal.testing.RawPeer;
import io.aqueduct.edge.internal.wire.RelayFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An origin that accepts one connection, reads the HELLO, optionally answers WELCOME, and then says nothing at all:
 * a frozen process or a cut network, as the edge sees it.
 */
final class FakeOrigin implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Thread thread;
    private volatile Socket accepted;

    FakeOrigin(boolean welcome) throws IOException {
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(() -> {
            try {
                accepted = listener.accept();
                RawPeer origin = new RawPeer(accepted, false);
                origin.read(); // the HELLO
                if (welcome) {
                    origin.send(new RelayFrame.Welcome(1, "frozen-origin"));
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "fake-origin");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        Socket s = accepted;
        if (s != null) {
            s.close();
        }
        thread.join(5000);
    }
}
