package io.aqueduct.lb;

/**
 * A template that cannot be rendered: malformed, or naming a value that does not exist. The message starts with
 * the template line, so an operator who edited the template finds the mistake before anything is written.
 */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    public TemplateException(int line, String problem) {
        super("template line " + line + ": " + problem);
        this.line = line;
    }

    /** The template line the problem is on, from 1. */
    public int line() {
        return line;
    }
}
