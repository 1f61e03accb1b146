package io.edgespot.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The {@link HttpCache} implementation: tenant management here, decisions in {@link Lookups}, {@link Responses}
 * and {@link Purges}. */
final class DefaultHttpCache implements HttpCache {
    private final CacheContext ctx;
    private final Lookups lookups;
    private final Responses responses;
    private final Purges purges;

    DefaultHttpCache(CacheContext ctx) {
        this.ctx = ctx;
        this.lookups = new Lookups(ctx);
        this.purges = new Purges(ctx);
        this.responses = new Responses(ctx, lookups, purges);
    }

    @Override
    public void registerTenant(String tenant, TenantSettings settings, EntrySealer sealer) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(sealer, "sealer");
        TenantStore[] replaced = new TenantStore[1];
        ctx.tenants().compute(tenant, (name, existing) -> {
            if (existing != null && existing.sealer().keysetId().equals(sealer.keysetId())) {
                existing.update(settings, sealer);
                return existing;
            }
            replaced[0] = existing;
            return new TenantStore(name, settings, sealer, ctx.executor(), ctx.listener());
        });
        if (replaced[0] != null) {
            shred(replaced[0]);
        }
    }

    @Override
    public boolean removeTenant(String tenant) {
        TenantStore removed = ctx.tenants().remove(tenant);
        if (removed == null) {
            return false;
        }
        shred(removed);
        return true;
    }

    private void shred(TenantStore store) {
        store.clear();
        lookups.releaseAll(store);
    }

    @Override
    public String surrogateCapability() {
        return ctx.name() + "=\"Surrogate/1.0\"";
    }

    @Override
    public Set<String> tenants() {
        return Set.copyOf(ctx.tenants().keySet());
    }

    @Override
    public LookupResult lookup(CacheRequest request) {
        return lookups.lookup(Objects.requireNonNull(request, "request"));
    }

    @Override
    public ResponseDecision onResponse(CacheExchange exchange, int status, HttpFields responseHeaders) {
        return responses.onResponse(Objects.requireNonNull(exchange, "exchange"), status,
                Objects.requireNonNull(responseHeaders, "responseHeaders"));
    }

    @Override
    public ResponseDecision onError(CacheExchange exchange) {
        return responses.onError(Objects.requireNonNull(exchange, "exchange"));
    }

    @Override
    public void abandon(CacheExchange exchange) {
        lookups.finish(Objects.requireNonNull(exchange, "exchange"));
    }

    @Override
    public long purgeUrl(String tenant, String scheme, String host, String pathAndQuery, PurgeMode mode) {
        return purges.purgeUrl(tenant, scheme, host, pathAndQuery, Objects.requireNonNull(mode, "mode"));
    }

    @Override
    public long purgePrefix(String tenant, String host, String pathPrefix, PurgeMode mode) {
        return purges.purgePrefix(tenant, host, pathPrefix, Objects.requireNonNull(mode, "mode"));
    }

    @Override
    public long purgeTag(String tenant, String tag, PurgeMode mode) {
        return purges.purgeTag(tenant, tag, Objects.requireNonNull(mode, "mode"));
    }

    /** Returns a tenant's store; for tests that inspect what is held in memory. */
    TenantStore store(String tenant) {
        return ctx.tenants().get(tenant);
    }

    @Override
    public Optional<TenantStats> stats(String tenant) {
        return Optional.ofNullable(ctx.tenants().get(tenant)).map(TenantStore::stats);
    }
}
