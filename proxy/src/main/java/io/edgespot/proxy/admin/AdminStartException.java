package io.edgespot.proxy.admin;

/**
 * The admin listener could not start: its address is taken or unavailable, or its token file is
 * unreadable or empty. The message is one line fit for the command line and never holds the token.
 */
public final class AdminStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    AdminStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
