package io.aqueduct.api.codec;

/** A codec configuration record could not be parsed; the message says what was wrong. */
public class MalformedConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedConfigException(String message) {
        super(message);
    }
}
