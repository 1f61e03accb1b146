package io.edgespot.cache;

/**
 * A point-in-time snapshot of one tenant's cache counters.
 *
 * @param entries stored keys (each may hold several Vary variants)
 * @param bytes the weighted (sealed) size of the stored entries
 * @param maxBytes the tenant's quota
 * @param hits fresh and stale responses served from the cache
 * @param misses lookups that had to go to the origin
 * @param stores responses stored
 * @param evictions entries evicted by the quota
 * @param decryptFailures entries dropped because they failed to open
 */
public record TenantStats(long entries, long bytes, long maxBytes, long hits, long misses, long stores,
                          long evictions, long decryptFailures) {
}
