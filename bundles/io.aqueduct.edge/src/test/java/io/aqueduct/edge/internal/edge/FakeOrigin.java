package io.aqueduct.edge.internal.edge;

import io.aqueduct.edge.internal.testing.RawPeer;
import io.aqueduct.edge.internal.wire.RelayFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An origin that reads each connection's HELLO, answers it as told, and then says nothing at all: with no answer
 * or a WELCOME, a frozen process or a cut network, as the edge sees it; with a REFUSED, it closes the connection.
 */
final class FakeOrigin implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Thread thread;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** The version of each HELLO, in order. */
    final List<Integer> helloVersions = new CopyOnWriteArrayList<>();

    /** Answers the HELLO with WELCOME, or not at all. */
    FakeOrigin(boolean welcome) throws IOException {
        this(hello -> welcome ? new RelayFrame.Welcome(1, "frozen-origin") : null);
    }

    /** @param answer the answer to a HELLO; null for none */
    FakeOrigin(Function<RelayFrame.Hello, RelayFrame> answer) throws IOException {
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    accepted.add(s);
                    RawPeer origin = new RawPeer(s, false);
                    RelayFrame.Hello hello = (RelayFrame.Hello) origin.read();
                    helloVersions.add(hello.version());
                    RelayFrame reply = answer.apply(hello);
                    if (reply != null) {
                        origin.send(reply);
                    }
                    if (reply instanceof RelayFrame.Refused) {
                        s.close();
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "fake-origin");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * An origin of relay protocol version 1, as the code before version 2 answered: a HELLO of another version is
     * refused naming its own; a version 1 HELLO is welcomed.
     */
    static FakeOrigin ofVersion1() throws IOException {
        return new FakeOrigin(hello -> hello.version() == 1 ? new RelayFrame.Welcome(1, "old-origin")
                : new RelayFrame.Refused("protocol version " + hello.version() + " is not supported; this origin "
                        + "speaks 1"));
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
