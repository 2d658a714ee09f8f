package io.aqueduct.api.config;

/** A configuration value was rejected. The message names the PID, the key, the value and what is expected. */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String pid;
    private final String key;
    private final String value;

    public InvalidSettingException(String pid, String key, Object value, String expected) {
        super(pid + ": " + key + " = '" + value + "' is not valid: " + expected);
        this.pid = pid;
        this.key = key;
        this.value = String.valueOf(value);
    }

    public String pid() {
        return pid;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }
}
