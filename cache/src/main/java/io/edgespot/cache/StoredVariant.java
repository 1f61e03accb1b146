package io.edgespot.cache;

import java.util.List;
import java.util.Set;

/**
 * One stored response (one Vary variant of a URL), as held in memory.
 *
 * <p>In clear: the status, the {@link Freshness} timing numbers and directive flags, whether validators exist (not
 * their values), the Vary field <em>names</em>, the body length and segment count, and PRF digests of the Vary
 * selection and of the purge tags. Sealed: every header value and the body. The head ciphertext holds the
 * header block and, for a body of at most {@link BodyCollector#INLINE_LIMIT} bytes, the body, so a small hit costs
 * one AEAD open; a larger body is sealed apart in segments.
 *
 * @param status the response status
 * @param freshness timing metadata
 * @param hasValidators whether ETag or Last-Modified is stored (inside the sealed headers)
 * @param invalidated whether a soft purge marked it for revalidation
 * @param varyNames the lower-cased header names the response varies on
 * @param selector the PRF digest of the full (Vary-including) cache key
 * @param tags PRF digests of the Surrogate-Key / Cache-Tag values
 * @param bodyLength the body length in bytes
 * @param sealedHead the sealed header block, plus the body if it is small
 * @param sealedSegments the sealed body segments, in order (none for a small body)
 */
record StoredVariant(int status, Freshness freshness, boolean hasValidators, boolean invalidated,
                     List<String> varyNames, Digest selector, Set<Digest> tags, long bodyLength,
                     byte[] sealedHead, List<byte[]> sealedSegments) {
    /** Accounts for the object headers, lists and digests around the ciphertexts. */
    private static final int OVERHEAD = 256;

    /** Returns the weight charged to the tenant's quota. */
    long weight() {
        long weight = OVERHEAD + sealedHead.length + 32L * tags.size();
        for (byte[] segment : sealedSegments) {
            weight += segment.length + 16;
        }
        return weight;
    }

    /** Returns whether it can be served without contacting the origin at {@code now}. */
    boolean isFresh(long now) {
        return !invalidated && !freshness.noCache() && freshness.ttlMillis(now) > 0;
    }

    /** Returns a copy marked for revalidation (soft purge). */
    StoredVariant invalidate() {
        return new StoredVariant(status, freshness, hasValidators, true, varyNames, selector, tags, bodyLength,
                sealedHead, sealedSegments);
    }

    /** Returns a copy freshened by a 304: new head (merged headers), timing and validator presence. */
    StoredVariant freshen(Freshness newFreshness, boolean validators, byte[] newHead) {
        return new StoredVariant(status, newFreshness, validators, false, varyNames, selector, tags, bodyLength,
                newHead, sealedSegments);
    }
}
