package io.aqueduct.rtmp.internal.server;

import io.aqueduct.rtmp.internal.amf0.Amf0Writer;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the AMF0 command and data messages the server sends (RTMP 1.0, 7.2). */
final class RtmpCommands {

    private RtmpCommands() {
    }

    static RtmpMessage command(ByteBufAllocator alloc, int messageStreamId, Object... values) {
        ByteBuf body = alloc.buffer();
        Amf0Writer.writeAll(body, values);
        return new RtmpMessage(RtmpConstants.CSID_COMMAND, RtmpConstants.TYPE_COMMAND_AMF0, messageStreamId, 0, body);
    }

    static RtmpMessage data(ByteBufAllocator alloc, int messageStreamId, Object... values) {
        ByteBuf body = alloc.buffer();
        Amf0Writer.writeAll(body, values);
        return new RtmpMessage(RtmpConstants.CSID_DATA, RtmpConstants.TYPE_DATA_AMF0, messageStreamId, 0, body);
    }

    static RtmpMessage result(ByteBufAllocator alloc, double transactionId, Object properties, Object information) {
        return command(alloc, 0, "_result", transactionId, properties, information);
    }

    static RtmpMessage error(ByteBufAllocator alloc, double transactionId, String code, String description) {
        return command(alloc, 0, "_error", transactionId, null, status("error", code, description));
    }

    static RtmpMessage connectResult(ByteBufAllocator alloc, double transactionId) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,5,7,7009");
        properties.put("capabilities", 31.0);
        properties.put("mode", 1.0);
        Map<String, Object> information = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        information.put("objectEncoding", 0.0);
        return result(alloc, transactionId, properties, information);
    }

    /** An {@code onStatus} event on a NetStream. */
    static RtmpMessage onStatus(ByteBufAllocator alloc, int messageStreamId, String level, String code,
            String description) {
        return command(alloc, messageStreamId, "onStatus", 0.0, null, status(level, code, description));
    }

    static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return info;
    }
}
