package io.edgespot.cache;

import java.util.List;

/**
 * What {@link HttpCache#onResponse} and {@link HttpCache#onError} tell the proxy to do with an origin response.
 *
 * <p>For {@link Store} and {@link Pass}, stream the origin response downstream after removing
 * {@code stripHeaders} and adding {@code cacheStatus} as a {@code Cache-Status} list member. For {@link Serve},
 * discard the origin body and send the given response instead. For {@link Refetch}, discard the origin response
 * and call {@link HttpCache#lookup} again.
 */
public sealed interface ResponseDecision {

    /** Returns this cache's {@code Cache-Status} member for the response. */
    String cacheStatus();

    /**
     * Stream the response downstream and copy the body into the collector.
     *
     * @param collector append each body chunk, then call {@code complete()} (or {@code abort()} on failure)
     * @param cacheStatus the {@code Cache-Status} member
     * @param stripHeaders lower-case names of header fields to remove before sending downstream
     */
    record Store(BodyCollector collector, String cacheStatus, List<String> stripHeaders)
            implements ResponseDecision {
    }

    /**
     * Stream the response downstream; it is not stored.
     *
     * @param cacheStatus the {@code Cache-Status} member
     * @param stripHeaders lower-case names of header fields to remove before sending downstream
     */
    record Pass(String cacheStatus, List<String> stripHeaders) implements ResponseDecision {
    }

    /**
     * Send this stored response instead (a 304 freshened it, or stale-if-error applies).
     *
     * @param response the response to send
     */
    record Serve(LookupResult.Hit response) implements ResponseDecision {
        @Override
        public String cacheStatus() {
            return response.cacheStatus();
        }
    }

    /**
     * The 304 did not match the stored response, which was dropped; look the request up again.
     *
     * @param cacheStatus the {@code Cache-Status} member
     */
    record Refetch(String cacheStatus) implements ResponseDecision {
    }
}
