package io.aqueduct.api.codec;

/** MPEG-2 transport stream input that breaks ISO/IEC 13818-1; the message says what and where. */
public class MalformedTsException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedTsException(String message) {
        super(message);
    }
}
