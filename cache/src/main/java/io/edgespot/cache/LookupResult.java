package io.edgespot.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link HttpCache#lookup} tells the proxy to do with a request.
 *
 * <p>{@link Hit}: answer from the cache. {@link Stale}: answer from the cache and, if a refresh exchange is given,
 * refresh it in the background. {@link Revalidate} and {@link Miss}: forward to the origin and report the response
 * with {@link HttpCache#onResponse}. {@link Coalesced}: wait for another request's fetch; the future yields the
 * result to act on instead. {@link Bypass}: forward and report the response (needed for unsafe-method
 * invalidation and for {@code Cache-Status}). {@link OnlyIfCachedMiss}: answer 504 (RFC 9111 §5.2.1.7).
 */
public sealed interface LookupResult {

    /**
     * Serve this stored response.
     *
     * @param status the status to send (304 when the client's own conditional matched)
     * @param headers the headers to send, including {@code Age} and {@code Cache-Status}
     * @param body the body, decrypted segment by segment as it is read; empty for HEAD and 304
     * @param cacheStatus this cache's {@code Cache-Status} member, also present in {@code headers}
     */
    record Hit(int status, HttpFields headers, CachedBody body, String cacheStatus) implements LookupResult {
        /** Validates the components. */
        public Hit {
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(cacheStatus, "cacheStatus");
        }
    }

    /**
     * Serve this stale response now (RFC 5861 stale-while-revalidate).
     *
     * @param response the response to serve
     * @param refresh present for exactly one request per key at a time: forward it in the background with
     *     {@link CacheExchange#conditionalHeaders()} and report its outcome like any exchange
     */
    record Stale(Hit response, Optional<CacheExchange> refresh) implements LookupResult {
    }

    /**
     * Forward the request with the exchange's conditional headers; a 304 will be turned into a stored hit.
     *
     * @param exchange the handle to report the response with
     */
    record Revalidate(CacheExchange exchange) implements LookupResult {
    }

    /**
     * Forward the request; the response may be stored.
     *
     * @param exchange the handle to report the response with
     */
    record Miss(CacheExchange exchange) implements LookupResult {
    }

    /**
     * Another request is already fetching this URL; wait for it.
     *
     * @param result completes, on the cache's executor, with a {@link Hit} when the fetch was stored, or with a
     *     {@link Miss} / {@link Revalidate} when this request must fetch itself (uncacheable response, failure,
     *     Vary mismatch or timeout)
     */
    record Coalesced(CompletableFuture<LookupResult> result) implements LookupResult {
    }

    /**
     * Forward the request without using the cache.
     *
     * @param exchange the handle to report the response with, so unsafe methods can invalidate
     */
    record Bypass(CacheExchange exchange) implements LookupResult {
    }

    /**
     * Answer 504: the client asked for only-if-cached and nothing usable is stored.
     *
     * @param cacheStatus this cache's {@code Cache-Status} member
     */
    record OnlyIfCachedMiss(String cacheStatus) implements LookupResult {
    }
}
