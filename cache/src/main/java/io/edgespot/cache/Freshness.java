package io.edgespot.cache;

/**
 * The clear timing metadata of a stored response, enough to decide freshness without opening it.
 *
 * <p>The age arithmetic follows RFC 9111 §4.2.3: {@code correctedInitialAgeMillis} is
 * {@code max(apparent_age, age_value + response_delay)} computed when the response arrived, and the current age
 * adds the resident time.
 *
 * @param responseTimeMillis when the response (or the 304 that last freshened it) arrived
 * @param correctedInitialAgeMillis the corrected initial age
 * @param lifetimeMillis the freshness lifetime (RFC 9111 §4.2.1), possibly heuristic
 * @param staleWhileRevalidateMillis the RFC 5861 stale-while-revalidate window, 0 if none
 * @param staleIfErrorMillis the RFC 5861 stale-if-error window, 0 if none
 * @param noCache whether every reuse needs revalidation (no-cache)
 * @param mustRevalidate whether a stale response must never be served (must-revalidate, proxy-revalidate,
 *     s-maxage)
 */
record Freshness(long responseTimeMillis, long correctedInitialAgeMillis, long lifetimeMillis,
                 long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean noCache,
                 boolean mustRevalidate) {

    /** Returns the response's current age at {@code now}. */
    long currentAgeMillis(long now) {
        return correctedInitialAgeMillis + Math.max(0, now - responseTimeMillis);
    }

    /** Returns the remaining freshness lifetime at {@code now}; negative when stale. */
    long ttlMillis(long now) {
        return lifetimeMillis - currentAgeMillis(now);
    }

    /** Returns whether the response may be served stale at all (RFC 9111 §4.2.4). */
    boolean mayServeStale() {
        return !noCache && !mustRevalidate;
    }

    /** Returns whether the response is stale for at most {@code windowMillis}. */
    boolean staleWithin(long now, long windowMillis) {
        return -ttlMillis(now) <= windowMillis;
    }
}
