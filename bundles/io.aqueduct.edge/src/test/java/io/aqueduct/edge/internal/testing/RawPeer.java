package io.aqueduct.edge.internal.testing;

import io.aqueduct.edge.internal.wire.RelayFrame;
import io.aqueduct.edge.internal.wire.RelayFrameDecoder;
import io.aqueduct.edge.internal.wire.RelayFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A relay peer on a plain socket that does exactly what a test tells it: writes frames or raw bytes, reads frames
 * one at a time (decoded with the receiving side's decoder). Reads wait at most 5 s.
 */
public final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean edge;

    /** A peer on an open socket; {@code edge} says which side it plays (it decodes the other side's frames). */
    public RawPeer(Socket socket, boolean edge) throws IOException {
        this.socket = socket;
        this.edge = edge;
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static RawPeer edge(String host, int port) throws IOException {
        return new RawPeer(new Socket(host, port), true);
    }

    public void send(RelayFrame frame) throws IOException {
        ByteBuf buf = RelayFrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            out.write(ByteBufUtil.getBytes(buf));
            out.flush();
        } finally {
            buf.release();
            ReferenceCountUtil.release(frame);
        }
    }

    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame; the caller releases a PACKET. @throws EOFException when the peer closed the connection */
    public RelayFrame read() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, 4, length);
        EmbeddedChannel decoder = new EmbeddedChannel(edge ? RelayFrameDecoder.atEdge() : RelayFrameDecoder.atOrigin());
        decoder.writeInbound(Unpooled.wrappedBuffer(frame));
        RelayFrame f = decoder.readInbound();
        decoder.finish();
        return f;
    }

    /** True when the peer closed the connection (within 5 s), after skipping whatever frames came first. */
    public boolean closedByPeer() throws IOException {
        try {
            while (true) {
                ReferenceCountUtil.release(read());
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Reads until the end of the stream, counting the bytes: -1 when it did not end within 5 s. */
    public int bytesUntilClosed() throws IOException {
        int n = 0;
        try {
            while (in.read() >= 0) {
                n++;
            }
            return n;
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
