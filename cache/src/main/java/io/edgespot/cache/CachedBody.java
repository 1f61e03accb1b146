package io.edgespot.cache;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The body of a cached response, decrypted one segment at a time, into a buffer the caller provides, so the first
 * bytes go out before the last segment is opened and no plaintext needs to stay on the heap.
 *
 * <p>Stateless: segments can be opened in any order, any number of times, from any thread.
 */
public interface CachedBody {

    /** A body with no bytes: HEAD, 204, 304 and 416 answers. */
    CachedBody EMPTY = new SealedBody(new byte[0], List.of(), null, null, 0, () -> { });

    /** Returns the body length in bytes. */
    long length();

    /** Returns the number of segments; zero for an empty body. */
    int segmentCount();

    /**
     * Returns the room a destination buffer needs to open segment {@code index}: at least its plaintext length
     * (a few bytes more while it is still sealed).
     *
     * @param index from 0 to {@link #segmentCount()} - 1
     */
    int segmentCapacity(int index);

    /**
     * Decrypts segment {@code index} into {@code dst} at its position, which advances past the plaintext.
     *
     * <p>A segment that fails to open throws {@link CacheIntegrityException} after the entry was dropped, and
     * leaves no plaintext in {@code dst}; the headers may already be sent, so the proxy must then reset the
     * stream or close the connection rather than finish the response.
     *
     * @param index from 0 to {@link #segmentCount()} - 1
     * @param dst a buffer with at least {@link #segmentCapacity} bytes remaining; a direct buffer lets the
     *     sealer decrypt without a heap copy
     * @return the plaintext length of the segment
     */
    int openSegment(int index, ByteBuffer dst);
}
