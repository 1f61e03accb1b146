package io.edgespot.crypto;

/**
 * A key-management failure: a key-encryption key that cannot be resolved, or a tenant keyset file
 * that cannot be read, decrypted, written or changed as asked.
 *
 * <p>The message names the spec kind or file and the problem. It never contains key material, and
 * causes that could echo secret input (parser errors on keyset JSON) are deliberately not attached.
 */
public final class KeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message only.
     *
     * @param message what failed and where, without secrets
     */
    public KeyException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause that carries no secret material.
     *
     * @param message what failed and where, without secrets
     * @param cause the underlying I/O or KMS failure
     */
    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
