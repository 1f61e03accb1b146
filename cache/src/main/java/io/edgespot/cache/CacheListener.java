package io.edgespot.cache;

/**
 * Receives cache events per tenant, for metrics; every method defaults to doing nothing.
 *
 * <p>Methods are called on request threads (event loops) and on the cache's maintenance executor, so
 * implementations must be thread-safe and must not block. Events carry the tenant name only, never a URL.
 */
public interface CacheListener {

    /** A listener that ignores every event. */
    CacheListener NONE = new CacheListener() {
    };

    /** A fresh stored response was served. */
    default void hit(String tenant) {
    }

    /** No usable stored response was found; the request goes to the origin. */
    default void miss(String tenant) {
    }

    /** A stale stored response was served (stale-while-revalidate, stale-if-error, max-stale). */
    default void stale(String tenant) {
    }

    /** A stored response was revalidated by a 304 and served. */
    default void revalidated(String tenant) {
    }

    /** A request waited for another request's origin fetch instead of making its own. */
    default void coalesced(String tenant) {
    }

    /** The request bypassed the cache (method, range or request directives). */
    default void bypass(String tenant) {
    }

    /**
     * A response was stored.
     *
     * @param tenant the tenant
     * @param bytes the sealed size of the stored variant
     */
    default void stored(String tenant, long bytes) {
    }

    /**
     * Entries were evicted to keep the tenant within its quota.
     *
     * @param tenant the tenant
     * @param bytes the weight of the evicted entry
     */
    default void evicted(String tenant, long bytes) {
    }

    /**
     * Stored variants were purged or invalidated.
     *
     * @param tenant the tenant
     * @param count how many variants were affected
     */
    default void purged(String tenant, long count) {
    }

    /** A stored entry failed to open (tampered, truncated, moved or foreign keyset); it was dropped. */
    default void decryptFailed(String tenant) {
    }
}
