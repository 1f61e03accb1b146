package io.edgespot.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * A tenant's cache policy, validated at construction so mistakes fail at config load and not under load.
 *
 * @param maxBytes the tenant's quota: the sealed bytes its entries may occupy
 * @param maxObjectBytes the largest body that is stored; larger responses stream through uncached
 * @param queryMode how the query string enters the cache key
 * @param cacheSetCookie whether responses carrying {@code Set-Cookie} may be stored (they are stored as is)
 * @param heuristicMaxLifetime the cap on heuristic freshness (10% of the time since Last-Modified)
 * @param maxCoalescedWaiters how many requests may wait on one origin fetch before further ones fetch themselves
 * @param coalesceTimeout how long a waiter waits for the fetch it joined before fetching itself
 * @param maxVariants how many Vary variants one URL keeps; the oldest is replaced beyond that
 */
public record TenantSettings(long maxBytes, long maxObjectBytes, QueryMode queryMode, boolean cacheSetCookie,
                             Duration heuristicMaxLifetime, int maxCoalescedWaiters, Duration coalesceTimeout,
                             int maxVariants) {

    /** Validates every setting and names the one that is wrong. */
    public TenantSettings {
        requireArgument(maxBytes > 0, "maxBytes must be positive: " + maxBytes);
        requireArgument(maxObjectBytes > 0 && maxObjectBytes <= maxBytes,
                "maxObjectBytes must be in (0, maxBytes]: " + maxObjectBytes);
        Objects.requireNonNull(queryMode, "queryMode");
        Objects.requireNonNull(heuristicMaxLifetime, "heuristicMaxLifetime");
        requireArgument(!heuristicMaxLifetime.isNegative(),
                "heuristicMaxLifetime must not be negative: " + heuristicMaxLifetime);
        requireArgument(maxCoalescedWaiters >= 0, "maxCoalescedWaiters must not be negative: " + maxCoalescedWaiters);
        Objects.requireNonNull(coalesceTimeout, "coalesceTimeout");
        requireArgument(coalesceTimeout.toMillis() > 0, "coalesceTimeout must be positive: " + coalesceTimeout);
        requireArgument(maxVariants > 0, "maxVariants must be positive: " + maxVariants);
    }

    /** Returns a builder starting from the defaults: 64 MiB quota, 8 MiB objects, KEEP, no Set-Cookie. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the default settings. */
    public static TenantSettings defaults() {
        return builder().build();
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A mutable builder of {@link TenantSettings}; validation happens in {@link #build()}. */
    public static final class Builder {
        private long maxBytes = 64L << 20;
        private long maxObjectBytes = 8L << 20;
        private QueryMode queryMode = QueryMode.KEEP;
        private boolean cacheSetCookie;
        private Duration heuristicMaxLifetime = Duration.ofDays(1);
        private int maxCoalescedWaiters = 1024;
        private Duration coalesceTimeout = Duration.ofSeconds(10);
        private int maxVariants = 16;

        private Builder() {
        }

        /** Sets the quota in sealed bytes. */
        public Builder maxBytes(long value) {
            this.maxBytes = value;
            return this;
        }

        /** Sets the largest storable body. */
        public Builder maxObjectBytes(long value) {
            this.maxObjectBytes = value;
            return this;
        }

        /** Sets the query normalisation. */
        public Builder queryMode(QueryMode value) {
            this.queryMode = value;
            return this;
        }

        /** Allows storing responses with Set-Cookie. */
        public Builder cacheSetCookie(boolean value) {
            this.cacheSetCookie = value;
            return this;
        }

        /** Sets the heuristic freshness cap. */
        public Builder heuristicMaxLifetime(Duration value) {
            this.heuristicMaxLifetime = value;
            return this;
        }

        /** Sets the bound on waiters per coalesced fetch. */
        public Builder maxCoalescedWaiters(int value) {
            this.maxCoalescedWaiters = value;
            return this;
        }

        /** Sets how long a coalesced waiter waits. */
        public Builder coalesceTimeout(Duration value) {
            this.coalesceTimeout = value;
            return this;
        }

        /** Sets the bound on Vary variants per URL. */
        public Builder maxVariants(int value) {
            this.maxVariants = value;
            return this;
        }

        /** Returns the validated settings. */
        public TenantSettings build() {
            return new TenantSettings(maxBytes, maxObjectBytes, queryMode, cacheSetCookie, heuristicMaxLifetime,
                    maxCoalescedWaiters, coalesceTimeout, maxVariants);
        }
    }
}
