package io.aqueduct.rtmp.internal.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolControlTest {

    /** Encodes with our encoder and decodes with our decoder, as a peer would see it. */
    private static RtmpMessage overTheWire(RtmpMessage message) {
        EmbeddedChannel out = new EmbeddedChannel(new RtmpChunkEncoder());
        out.writeOutbound(message);
        ByteBuf wire = out.readOutbound();
        EmbeddedChannel in = new EmbeddedChannel(new RtmpChunkDecoder());
        in.writeInbound(wire);
        RtmpMessage read = in.readInbound();
        assertFalse(out.finish());
        assertFalse(in.finish());
        assertEquals(RtmpConstants.CSID_CONTROL, read.chunkStreamId());
        assertEquals(0, read.messageStreamId());
        return read;
    }

    @Test
    void controlMessagesRoundTrip() {
        RtmpMessage m = overTheWire(ProtocolControl.windowAcknowledgementSize(2_500_000));
        assertEquals(2_500_000, ProtocolControl.readWindowAcknowledgementSize(m));
        m.release();
        m = overTheWire(ProtocolControl.acknowledgement(0x1_0000_0005L));
        assertEquals(5, ProtocolControl.readAcknowledgement(m)); // 32 bits, wraps
        m.release();
        m = overTheWire(ProtocolControl.setPeerBandwidth(0xFFFF_FFFFL, ProtocolControl.LIMIT_DYNAMIC));
        assertEquals(0xFFFF_FFFFL, ProtocolControl.readPeerBandwidth(m));
        assertEquals(ProtocolControl.LIMIT_DYNAMIC, ProtocolControl.readPeerBandwidthLimitType(m));
        m.release();
        RtmpMessage scs = ProtocolControl.setChunkSize(4096);
        assertEquals(4096, ProtocolControl.readSetChunkSize(scs));
        scs.release();
        RtmpMessage abort = ProtocolControl.abort(7);
        assertEquals(7, ProtocolControl.readAbort(abort));
        abort.release();
    }

    @Test
    void userControlEventsRoundTrip() {
        for (UserControlEvent event : List.of(UserControlEvent.streamBegin(1), UserControlEvent.streamEof(1),
                UserControlEvent.setBufferLength(1, 3000), UserControlEvent.pingRequest(123_456),
                UserControlEvent.pingResponse(0x1_0000_0001L), new UserControlEvent(UserControlEvent.STREAM_DRY, 9, 0),
                new UserControlEvent(UserControlEvent.STREAM_IS_RECORDED, 2, 0))) {
            RtmpMessage m = overTheWire(event.toMessage());
            assertEquals(event, UserControlEvent.read(m));
            m.release();
        }
        assertEquals(1L, UserControlEvent.pingResponse(0x1_0000_0001L).value());
    }

    @Test
    void shortPayloadsAreProtocolErrors() {
        RtmpMessage shortUc = new RtmpMessage(2, RtmpConstants.TYPE_USER_CONTROL, 0, 0,
                Unpooled.buffer().writeShort(UserControlEvent.SET_BUFFER_LENGTH).writeInt(1));
        assertThrows(RtmpProtocolException.class, () -> UserControlEvent.read(shortUc));
        shortUc.release();
        RtmpMessage shortBw = new RtmpMessage(2, RtmpConstants.TYPE_SET_PEER_BANDWIDTH, 0, 0,
                Unpooled.buffer().writeInt(1));
        assertThrows(RtmpProtocolException.class, () -> ProtocolControl.readPeerBandwidth(shortBw));
        shortBw.release();
    }

    @Test
    void acknowledgementsFollowTheWindow() {
        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new RtmpAcknowledgementHandler(decoder::bytesReceived),
                new Chunks.Releaser());
        byte[] window = new Chunks().type0(2, 0, 4, RtmpConstants.TYPE_WINDOW_ACK_SIZE, 0).int32(1000).toArray();
        channel.writeInbound(Unpooled.wrappedBuffer(window));
        assertNull(channel.readOutbound());
        byte[] audio = new Chunks().type0(4, 0, 100, 8, 1).data(100, 0).toArray(); // 112 bytes
        long sent = window.length;
        for (int i = 0; i < 8; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(audio));
            sent += audio.length;
        }
        assertNull(channel.readOutbound(), "912 bytes: not a window yet");
        channel.writeInbound(Unpooled.wrappedBuffer(audio));
        sent += audio.length;
        RtmpMessage ack = channel.readOutbound();
        assertEquals(sent, ProtocolControl.readAcknowledgement(ack));
        ack.release();
        channel.writeInbound(Unpooled.wrappedBuffer(audio));
        assertNull(channel.readOutbound(), "the next window starts at the last acknowledgement");
        assertFalse(channel.finish());
    }
}
