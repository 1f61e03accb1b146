package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9111 §5.2.1 request directives and the response directives that restrict reuse (§5.2.2). */
final class RequestDirectivesTest {
    private final CacheFixture f = new CacheFixture();

    private void store(String path, String cacheControl) {
        f.fill(get(path), 200, f.response("cache-control", cacheControl, "etag", "\"v1\""), "body");
    }

    private void storeFor60s(String path) {
        store(path, "max-age=60");
    }

    @Test
    void noCacheRequestRevalidates() {
        storeFor60s("/a");
        LookupResult result = f.cache.lookup(get("/a", "cache-control", "no-cache"));
        assertThat(result).isInstanceOf(LookupResult.Revalidate.class);
        CacheExchange exchange = CacheFixture.exchange(result);
        assertThat(exchange.conditionalHeaders().get("if-none-match")).isEqualTo("\"v1\"");
        ResponseDecision decision = f.cache.onResponse(exchange, 304, f.response());
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=request; fwd-status=304; ttl=60; stored");
    }

    @Test
    void pragmaNoCacheCountsOnlyWithoutCacheControl() {
        storeFor60s("/a");
        assertThat(f.cache.lookup(get("/a", "pragma", "no-cache"))).isInstanceOf(LookupResult.Revalidate.class);
        assertThat(f.cache.lookup(get("/a", "pragma", "no-cache", "cache-control", "max-stale")))
                .isInstanceOf(LookupResult.Hit.class);
    }

    @Test
    void noStoreRequestIsServedFromCacheButNotStored() {
        storeFor60s("/a");
        assertThat(f.cache.lookup(get("/a", "cache-control", "no-store"))).isInstanceOf(LookupResult.Hit.class);
        ResponseDecision decision = f.fill(get("/b", "cache-control", "no-store"), 200,
                f.response("cache-control", "max-age=60"), "x");
        assertThat(decision).isInstanceOf(ResponseDecision.Pass.class);
    }

    @Test
    void maxAgeRequestRejectsOlderResponse() {
        storeFor60s("/a");
        f.clock.advanceSeconds(20);
        assertThat(f.cache.lookup(get("/a", "cache-control", "max-age=30"))).isInstanceOf(LookupResult.Hit.class);
        LookupResult result = f.cache.lookup(get("/a", "cache-control", "max-age=10"));
        assertThat(result).isInstanceOf(LookupResult.Revalidate.class);
        assertThat(f.cache.onResponse(CacheFixture.exchange(result), 200, f.response("cache-control", "max-age=60"))
                .cacheStatus()).startsWith("edgespot; fwd=request");
    }

    @Test
    void minFreshRequiresRemainingLifetime() {
        storeFor60s("/a");
        f.clock.advanceSeconds(20);
        assertThat(f.cache.lookup(get("/a", "cache-control", "min-fresh=40"))).isInstanceOf(LookupResult.Hit.class);
        assertThat(f.cache.lookup(get("/a", "cache-control", "min-fresh=41")))
                .isInstanceOf(LookupResult.Revalidate.class);
    }

    @Test
    void maxStaleAllowsStaleWithinBound() {
        storeFor60s("/a");
        f.clock.advanceSeconds(90);
        LookupResult.Hit hit = hit(f.cache.lookup(get("/a", "cache-control", "max-stale=30")));
        assertThat(hit.cacheStatus()).isEqualTo("edgespot; hit; ttl=-30; detail=max-stale");
        assertThat(f.cache.lookup(get("/a", "cache-control", "max-stale=29")))
                .isInstanceOf(LookupResult.Revalidate.class);
        assertThat(f.cache.lookup(get("/a", "cache-control", "max-stale"))).isInstanceOf(LookupResult.Hit.class);
        assertThat(f.listener.count("stale", CacheFixture.TENANT)).isEqualTo(2);
    }

    @Test
    void mustRevalidateForbidsServingStale() {
        store("/m", "max-age=60, must-revalidate");
        store("/p", "max-age=60, proxy-revalidate");
        store("/s", "s-maxage=60");
        f.clock.advanceSeconds(61);
        for (String path : new String[] {"/m", "/p", "/s"}) {
            assertThat(f.cache.lookup(get(path, "cache-control", "max-stale")))
                    .as(path).isInstanceOf(LookupResult.Revalidate.class);
        }
    }

    @Test
    void noCacheResponseIsAlwaysRevalidated() {
        f.fill(get("/n"), 200, f.response("cache-control", "no-cache", "etag", "\"n\""), "x");
        LookupResult result = f.cache.lookup(get("/n"));
        assertThat(result).isInstanceOf(LookupResult.Revalidate.class);
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(result), 304, f.response());
        assertThat(decision).isInstanceOf(ResponseDecision.Serve.class);
        assertThat(f.cache.lookup(get("/n"))).isInstanceOf(LookupResult.Revalidate.class);
    }

    @Test
    void noCacheWithFieldNamesIsTreatedAsNoCache() {
        f.fill(get("/n"), 200, f.response("cache-control", "no-cache=\"set-cookie\", max-age=60", "etag", "\"n\""),
                "x");
        assertThat(f.cache.lookup(get("/n"))).isInstanceOf(LookupResult.Revalidate.class);
    }

    @Test
    void onlyIfCached() {
        storeFor60s("/a");
        assertThat(f.cache.lookup(get("/a", "cache-control", "only-if-cached"))).isInstanceOf(LookupResult.Hit.class);
        LookupResult miss = f.cache.lookup(get("/none", "cache-control", "only-if-cached"));
        assertThat(miss).isEqualTo(new LookupResult.OnlyIfCachedMiss("edgespot; detail=only-if-cached"));
        f.clock.advanceSeconds(61);
        assertThat(f.cache.lookup(get("/a", "cache-control", "only-if-cached")))
                .isInstanceOf(LookupResult.OnlyIfCachedMiss.class);
    }
}
