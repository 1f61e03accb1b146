package io.edgespot.cache;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Purges by URL, path prefix and tag, and invalidates after unsafe methods (RFC 9111 §4.4).
 *
 * <p>URL purges are one map operation. Prefix purges open the sealed locator of every group of the tenant and tag
 * purges compare every variant's tag digests: both are linear in the tenant's entries, which suits an admin
 * operation and keeps no URL or tag in clear.
 */
final class Purges {
    private final CacheContext ctx;

    Purges(CacheContext ctx) {
        this.ctx = ctx;
    }

    long purgeUrl(String tenant, String scheme, String host, String pathAndQuery, PurgeMode mode) {
        TenantStore store = ctx.tenants().get(tenant);
        if (store == null) {
            return 0;
        }
        PrimaryKey key = PrimaryKey.of(tenant, scheme, host, pathAndQuery, store.settings().queryMode());
        return report(store, store.updateVariants(store.keyDigest(key.encode()), v -> apply(v, mode)));
    }

    long purgePrefix(String tenant, String host, String pathPrefix, PurgeMode mode) {
        TenantStore store = ctx.tenants().get(tenant);
        if (store == null) {
            return 0;
        }
        long count = 0;
        for (Map.Entry<Digest, VariantGroup> entry : store.asMap().entrySet()) {
            PrimaryKey locator;
            try {
                locator = EntryCodec.openLocator(store.sealer(), entry.getValue().sealedLocator(), entry.getKey());
            } catch (GeneralSecurityException e) {
                store.dropCorruptGroup(entry.getKey());
                continue;
            }
            if (locator.host().equals(PrimaryKey.normaliseHost(locator.scheme(), host))
                    && locator.path().startsWith(pathPrefix)) {
                count += store.updateVariants(entry.getKey(), v -> apply(v, mode));
            }
        }
        return report(store, count);
    }

    long purgeTag(String tenant, String tag, PurgeMode mode) {
        TenantStore store = ctx.tenants().get(tenant);
        if (store == null) {
            return 0;
        }
        Digest digest = EntryCodec.purgeTagDigest(store.sealer(), tag.trim());
        Predicate<StoredVariant> tagged = v -> v.tags().contains(digest);
        long count = 0;
        for (Digest key : List.copyOf(store.asMap().keySet())) {
            count += store.updateVariants(key, v -> tagged.test(v) ? apply(v, mode) : v);
        }
        return report(store, count);
    }

    /** Removes the target URI and same-origin Location / Content-Location URIs after a non-error unsafe request. */
    void invalidateAfterUnsafe(CacheExchange exchange, HttpFields responseHeaders) {
        TenantStore store = exchange.store;
        if (store == null) {
            return;
        }
        CacheRequest request = exchange.request;
        QueryMode mode = store.settings().queryMode();
        PrimaryKey target = PrimaryKey.of(request, mode);
        Set<PrimaryKey> keys = new LinkedHashSet<>();
        keys.add(target);
        for (String field : List.of("location", "content-location")) {
            String value = responseHeaders.get(field);
            PrimaryKey resolved = value == null ? null : resolve(target, request, value, mode);
            if (resolved != null && resolved.scheme().equals(target.scheme())
                    && resolved.host().equals(target.host())) {
                keys.add(resolved);
            }
        }
        long count = 0;
        for (PrimaryKey key : keys) {
            count += store.updateVariants(store.keyDigest(key.encode()), v -> null);
        }
        report(store, count);
    }

    private static PrimaryKey resolve(PrimaryKey target, CacheRequest request, String reference, QueryMode mode) {
        try {
            URI base = new URI(target.scheme() + "://" + target.host() + target.path());
            URI resolved = base.resolve(new URI(reference.trim()));
            if (resolved.getScheme() == null || resolved.getRawAuthority() == null) {
                return null;
            }
            String path = resolved.getRawPath() == null ? "/" : resolved.getRawPath();
            String query = resolved.getRawQuery() == null ? "" : "?" + resolved.getRawQuery();
            return PrimaryKey.of(request.tenant(), resolved.getScheme(), resolved.getRawAuthority(), path + query,
                    mode);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // An unparsable reference names nothing we could have stored.
            return null;
        }
    }

    private static StoredVariant apply(StoredVariant variant, PurgeMode mode) {
        if (mode == PurgeMode.HARD) {
            return null;
        }
        return variant.invalidated() ? variant : variant.invalidate();
    }

    private long report(TenantStore store, long count) {
        if (count > 0) {
            ctx.listener().purged(store.name, count);
        }
        return count;
    }
}
