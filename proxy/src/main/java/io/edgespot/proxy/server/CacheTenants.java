package io.edgespot.proxy.server;

import io.edgespot.cache.EntrySealer;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.QueryMode;
import io.edgespot.cache.TenantSettings;
import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.KeyException;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.cache.SealerFactory;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.EdgeConfig.Tenant;
import io.edgespot.proxy.config.EdgeConfig.TenantCache;
import java.util.HashSet;
import java.util.Set;

/**
 * Registers each caching tenant with the cache under its own keyset, opened with the key-encryption key, and
 * removes tenants that are gone, which crypto-shreds their entries. The sealer over those keys comes from the
 * server's {@link SealerFactory} ({@link SealerFactory#TENANT_KEYS} in edgespot).
 */
final class CacheTenants {

    private CacheTenants() {
    }

    /**
     * Brings the cache's tenants in line with {@code config}.
     *
     * @param sealers makes each caching tenant's sealer from its keys
     * @throws KeyException when the KEK or a keyset cannot be opened; no tenant changes then
     */
    static void apply(HttpCache cache, EdgeConfig config, SealerFactory sealers) {
        Set<String> wanted = new HashSet<>();
        record Pending(String tenant, TenantSettings settings, EntrySealer sealer) {
        }
        java.util.List<Pending> pending = new java.util.ArrayList<>();
        KeyEncryptionKey kek = null;
        for (Tenant t : config.tenants()) {
            if (!t.cache().enabled() || t.keyset().isEmpty()) {
                continue;
            }
            if (kek == null) {
                kek = KeyEncryptionKey.resolve(config.keys().kek().orElseThrow(
                        () -> new KeyException("keys.kek is required when a tenant has a keyset")));
            }
            TenantKeys keys = TenantKeys.load(t.keyset().get(), t.name(), kek.aead());
            pending.add(new Pending(t.name(), settings(t.cache()), sealers.sealer(keys)));
            wanted.add(t.name());
        }
        for (Pending p : pending) {
            cache.registerTenant(p.tenant(), p.settings(), p.sealer());
        }
        for (String existing : Set.copyOf(cache.tenants())) {
            if (!wanted.contains(existing)) {
                cache.removeTenant(existing);
            }
        }
    }

    private static TenantSettings settings(TenantCache c) {
        return TenantSettings.builder()
                .maxBytes(c.maxBytes())
                .maxObjectBytes(c.maxObjectBytes())
                .queryMode(QueryMode.valueOf(c.query().name()))
                .cacheSetCookie(c.cacheSetCookie())
                .build();
    }
}
