package io.edgespot.proxy.cache;

import io.edgespot.cache.EntrySealer;
import io.edgespot.crypto.TenantKeys;

/**
 * Makes the cache's {@link EntrySealer} for a caching tenant from that tenant's loaded keys.
 *
 * <p>edgespot itself always uses {@link #TENANT_KEYS}: every entry is sealed under the tenant's Tink keyset, and no
 * config setting changes that. The factory is a constructor parameter of the server so that a benchmark can start
 * the very same server with another sealer (the loadtest module's plaintext baseline, which measures what the
 * encryption costs); such a sealer is never part of {@code edgespot.jar}.
 */
@FunctionalInterface
public interface SealerFactory {

    /** Seals under the tenant's Tink keys ({@link TenantEntrySealer}); what edgespot runs with. */
    SealerFactory TENANT_KEYS = TenantEntrySealer::of;

    /**
     * Returns the sealer of one tenant.
     *
     * @param keys the tenant's keys, opened with the key-encryption key
     * @return the sealer the cache registers the tenant with
     */
    EntrySealer sealer(TenantKeys keys);
}
