package io.edgespot.cache;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * The collaborators shared by the parts of one {@link HttpCache}: the tenant stores and the injected clock,
 * executor, scheduler and listener.
 *
 * @param tenants the tenant stores by tenant name
 * @param clock the wall clock
 * @param executor runs Caffeine maintenance and completes coalesced waiters
 * @param scheduler fires coalesced-waiter timeouts
 * @param listener receives metrics events
 * @param name this cache's name in {@code Cache-Status}
 * @param segmentSize the plaintext size of a sealed body segment
 */
record CacheContext(ConcurrentMap<String, TenantStore> tenants, CacheClock clock, Executor executor,
                    Scheduler scheduler, CacheListener listener, String name, int segmentSize) {

    long now() {
        return clock.currentTimeMillis();
    }
}
