package io.edgespot.crypto.tls;

/**
 * A certificate, key or trust file could not be used; the message is one short sentence naming the file.
 *
 * <p>Messages never contain key material, so they are safe to log and to show in {@code edgespot check}.
 */
public final class TlsMaterialException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a human-readable message.
     *
     * @param message what is wrong, naming the file
     */
    public TlsMaterialException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a human-readable message and the underlying cause.
     *
     * @param message what is wrong, naming the file
     * @param cause the parser or I/O error
     */
    public TlsMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
