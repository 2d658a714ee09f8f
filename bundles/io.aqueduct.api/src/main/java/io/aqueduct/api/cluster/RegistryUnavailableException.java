package io.aqueduct.api.cluster;

/** The registry cannot be reached now; the message says why (and since when) and what to check. */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message) {
        super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
