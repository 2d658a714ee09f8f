package io.aqueduct.api.stream;

/** A publish was refused because the stream already has a publisher. */
public class StreamAlreadyLiveException extends Exception {
    private static final long serialVersionUID = 1L;
    private final StreamKey key;

    public StreamAlreadyLiveException(StreamKey key) {
        super("stream " + key + " is already being published; stop the other publisher or use another key");
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }
}
