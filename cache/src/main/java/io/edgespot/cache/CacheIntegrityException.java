package io.edgespot.cache;

/**
 * Thrown while streaming a cached body when a segment fails authentication; the entry has already been dropped.
 *
 * <p>The message never includes key or content material.
 */
public final class CacheIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CacheIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
