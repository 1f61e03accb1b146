package io.edgespot.loadtest;

/**
 * How a request failed; each kind has its own counter in the report.
 */
public enum ErrorKind {
    /** The TCP connect or the TLS handshake failed. */
    CONNECT,
    /** No complete response arrived within {@code --timeout}. */
    TIMEOUT,
    /** The connection was reset or closed mid-response, or a write failed. */
    OTHER
}
