package io.edgespot.loadtest;

/**
 * A command-line mistake, with a message meant for the person who typed the command.
 */
public final class ArgsException extends IllegalArgumentException {

    /**
     * Creates the exception.
     *
     * @param message what was wrong and, where it helps, what to type instead
     */
    public ArgsException(String message) {
        super(message);
    }
}
