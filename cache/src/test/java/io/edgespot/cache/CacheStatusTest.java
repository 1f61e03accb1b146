package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9211 Cache-Status members for each outcome not covered elsewhere. */
final class CacheStatusTest {
    private final CacheFixture f = new CacheFixture();

    @Test
    void hitCarriesTtlAndHeader() {
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60"), "x");
        LookupResult.Hit hit = hit(f.cache.lookup(get("/a")));
        assertThat(hit.cacheStatus()).isEqualTo("edgespot; hit; ttl=60");
        assertThat(hit.headers().get("cache-status")).isEqualTo("edgespot; hit; ttl=60");
    }

    @Test
    void upstreamMembersAreKeptBeforeOurs() {
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60", "cache-status", "origin; hit"), "x");
        assertThat(hit(f.cache.lookup(get("/a"))).headers().get("cache-status"))
                .isEqualTo("origin; hit, edgespot; hit; ttl=60");
    }

    @Test
    void missStored() {
        assertThat(f.fill(get("/a"), 200, f.response("cache-control", "max-age=60"), "x").cacheStatus())
                .isEqualTo("edgespot; fwd=uri-miss; ttl=60; stored");
    }

    @Test
    void cacheNameIsConfigurable() {
        HttpCache cache = HttpCache.builder().name("edge-ams1").clock(f.clock).executor(Runnable::run).build();
        cache.registerTenant("t", TenantSettings.defaults(), f.sealer);
        LookupResult result = cache.lookup(CacheRequest.get("t", "https", "h", "/"));
        assertThat(cache.onResponse(CacheFixture.exchange(result), 200, f.response()).cacheStatus())
                .isEqualTo("edge-ams1; fwd=uri-miss; detail=not-reusable");
    }

    @Test
    void unknownTenantBypasses() {
        LookupResult result = f.cache.lookup(CacheRequest.get("nobody", "https", "h", "/"));
        assertThat(f.cache.onResponse(CacheFixture.exchange(result), 200, f.response()).cacheStatus())
                .isEqualTo("edgespot; fwd=bypass");
    }

    @Test
    void originErrorWithoutStaleEntry() {
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/a")));
        assertThat(f.cache.onError(exchange).cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; detail=origin-error");
    }
}
