package io.aqueduct.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A hand-made RTMP client for tests that send what no real client would (a line break in a stream name, a 7 MB
 * application name, malformed chunks): the plain handshake, then messages written as single chunks.
 */
public final class RawRtmp {
    private RawRtmp() {
    }

    /** A connection to 127.0.0.1:port after the plain handshake, reads timing out after 10 s. */
    public static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        handshake(s);
        return s;
    }

    /** The plain handshake: C0 C1 (version 3, zeros), S0 S1 S2 read, C2 echoing S1. */
    public static void handshake(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        byte[] c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        out.write(c0c1);
        byte[] s0s1s2 = new byte[1 + 1536 + 1536];
        new DataInputStream(s.getInputStream()).readFully(s0s1s2);
        out.write(s0s1s2, 1, 1536);
    }

    /**
     * One message as one chunk with a full (type 0) header, timestamp 0; the body must fit the chunk size in force
     * (128 bytes until a Set Chunk Size).
     */
    public static byte[] chunk(int chunkStreamId, int typeId, int messageStreamId, byte[] body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(12 + body.length);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(chunkStreamId);
            out.write(new byte[] {0, 0, 0});
            out.write(new byte[] {(byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length});
            out.writeByte(typeId);
            out.writeInt(Integer.reverseBytes(messageStreamId)); // little-endian on the wire
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what the server sends until it closes the connection (a reset counts as closed).
     *
     * @throws SocketTimeoutException when the connection is still open after the socket's read timeout
     */
    public static void readUntilClosed(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // the answers before the close
            }
        } catch (SocketTimeoutException e) {
            throw e; // still open
        } catch (IOException reset) {
            // closed with a reset
        }
    }
}
