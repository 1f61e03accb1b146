package io.edgespot.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * One tenant's entries: a Caffeine cache of its own, bounded by the tenant's quota in sealed bytes.
 *
 * <p>Why one cache per tenant rather than one global cache with per-tenant accounting: W-TinyLFU then picks
 * victims only among the tenant's own entries, so a tenant filling its quota can never evict another tenant's
 * entries; a quota change on reload is {@code setMaximum} without touching entries; and crypto-shredding a tenant
 * drops one object. The cost is that unused quota is not lent to other tenants, which the operator sizes for.
 */
final class TenantStore {
    final String name;
    private final Cache<Digest, VariantGroup> cache;
    private final InFlightTable flights = new InFlightTable();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder decryptFailures = new LongAdder();
    private final CacheListener listener;
    private volatile TenantSettings settings;
    private volatile EntrySealer sealer;

    TenantStore(String name, TenantSettings settings, EntrySealer sealer, Executor executor,
                CacheListener listener) {
        this.name = name;
        this.settings = settings;
        this.sealer = sealer;
        this.listener = listener;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((Digest key, VariantGroup group) -> group.weight())
                .executor(executor)
                .evictionListener((Digest key, VariantGroup group, RemovalCause cause) -> {
                    if (cause.wasEvicted() && group != null) {
                        evictions.increment();
                        listener.evicted(name, group.weight());
                    }
                })
                .build();
    }

    TenantSettings settings() {
        return settings;
    }

    EntrySealer sealer() {
        return sealer;
    }

    InFlightTable flights() {
        return flights;
    }

    /** Applies reloaded settings and a sealer over the same keyset, keeping the entries. */
    void update(TenantSettings newSettings, EntrySealer newSealer) {
        this.settings = newSettings;
        this.sealer = newSealer;
        cache.policy().eviction().ifPresent(eviction -> eviction.setMaximum(newSettings.maxBytes()));
    }

    Digest keyDigest(byte[] primaryKey) {
        return EntryCodec.keyDigest(sealer, primaryKey);
    }

    VariantGroup get(Digest key) {
        return cache.getIfPresent(key);
    }

    /** Stores a variant, replacing the one with the same Vary selection. */
    void put(Digest key, byte[] primaryKey, StoredVariant variant) throws GeneralSecurityException {
        VariantGroup existing = cache.getIfPresent(key);
        byte[] locator = existing != null ? existing.sealedLocator()
                : EntryCodec.sealLocator(sealer, primaryKey, key);
        int max = settings.maxVariants();
        cache.asMap().compute(key, (k, group) -> group == null
                ? new VariantGroup(locator, List.of(variant)) : group.with(variant, max));
        stores.increment();
        listener.stored(name, variant.weight());
    }

    /** Replaces {@code old} by {@code replacement} if it is still stored under that selector. */
    void replace(Digest key, StoredVariant old, StoredVariant replacement) {
        int max = settings.maxVariants();
        cache.asMap().computeIfPresent(key, (k, group) -> group.find(old.selector()) == null
                ? group : group.with(replacement, max));
    }

    void removeVariant(Digest key, Digest selector) {
        cache.asMap().computeIfPresent(key, (k, group) -> group.without(selector));
    }

    void removeGroup(Digest key) {
        cache.invalidate(key);
    }

    /** Applies {@code change} to each variant of a group; returns how many variants it changed or removed. */
    long updateVariants(Digest key, UnaryOperator<StoredVariant> change) {
        long[] count = new long[1];
        cache.asMap().computeIfPresent(key, (k, group) -> group.map(variant -> {
            StoredVariant changed = change.apply(variant);
            if (changed != variant) {
                count[0]++;
            }
            return changed;
        }));
        return count[0];
    }

    ConcurrentMap<Digest, VariantGroup> asMap() {
        return cache.asMap();
    }

    /** Drops a variant that failed to open and counts the failure. */
    void dropCorrupt(Digest key, Digest selector) {
        removeVariant(key, selector);
        decryptFailures.increment();
        listener.decryptFailed(name);
    }

    /** Drops a whole group whose locator failed to open and counts the failure. */
    void dropCorruptGroup(Digest key) {
        removeGroup(key);
        decryptFailures.increment();
        listener.decryptFailed(name);
    }

    void recordHit() {
        hits.increment();
    }

    void recordMiss() {
        misses.increment();
    }

    /** Drops every entry (tenant removal or keyset change). */
    void clear() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    TenantStats stats() {
        cache.cleanUp();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return new TenantStats(cache.estimatedSize(), bytes, settings.maxBytes(), hits.sum(), misses.sum(),
                stores.sum(), evictions.sum(), decryptFailures.sum());
    }

    /** Runs pending Caffeine maintenance, so tests observe evictions deterministically. */
    void cleanUp() {
        cache.cleanUp();
    }
}
