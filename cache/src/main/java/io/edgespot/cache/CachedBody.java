package io.edgespot.cache;

import java.util.Iterator;

/**
 * The body of a cached response, decrypted one segment at a time so the first bytes go out before the last
 * segment is opened.
 */
public interface CachedBody {

    /** Returns the body length in bytes. */
    long length();

    /**
     * Returns an iterator over the plaintext segments, in order; each call starts from the first segment.
     *
     * <p>A segment that fails to open makes {@link Iterator#next()} throw {@link CacheIntegrityException} after the
     * entry was dropped; the headers may already be sent, so the proxy must then reset the stream or close the
     * connection rather than finish the response.
     */
    Iterator<byte[]> segments();
}
