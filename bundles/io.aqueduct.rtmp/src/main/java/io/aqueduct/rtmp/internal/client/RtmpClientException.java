package io.aqueduct.rtmp.internal.client;

/**
 * Why a play failed: the server said so ({@link #code()} is its status code, for example
 * {@code NetStream.Play.StreamNotFound} or {@code NetConnection.Connect.Rejected}), or the connection could
 * not be made or broke ({@link #code()} is null, the cause says why).
 */
public final class RtmpClientException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public RtmpClientException(String code, String message) {
        super(message);
        this.code = code;
    }

    public RtmpClientException(String message, Throwable cause) {
        super(message, cause);
        this.code = null;
    }

    /** The server's status code, or null when the failure was not an answer from the server. */
    public String code() {
        return code;
    }
}
