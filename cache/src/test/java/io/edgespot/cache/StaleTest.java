package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.body;
import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 5861: stale-while-revalidate and stale-if-error. */
final class StaleTest {
    private final CacheFixture f = new CacheFixture();

    @Test
    void staleWhileRevalidateServesStaleAndStartsOneRefreshPerKey() {
        f.fill(get("/s"), 200, f.response("cache-control", "max-age=10, stale-while-revalidate=30",
                "etag", "\"v1\""), "old");
        f.clock.advanceSeconds(15);
        LookupResult.Stale first = (LookupResult.Stale) f.cache.lookup(get("/s"));
        LookupResult.Stale second = (LookupResult.Stale) f.cache.lookup(get("/s"));
        assertThat(body(first.response())).isEqualTo("old");
        assertThat(first.response().cacheStatus())
                .isEqualTo("edgespot; hit; ttl=-5; detail=stale-while-revalidate");
        assertThat(first.refresh()).isPresent();
        assertThat(second.refresh()).isEmpty();

        CacheExchange refresh = first.refresh().orElseThrow();
        assertThat(refresh.isBackgroundRefresh()).isTrue();
        assertThat(refresh.conditionalHeaders().get("if-none-match")).isEqualTo("\"v1\"");
        f.respond(refresh, 200, f.response("cache-control", "max-age=10, stale-while-revalidate=30",
                "etag", "\"v2\""), "new");
        assertThat(body(hit(f.cache.lookup(get("/s"))))).isEqualTo("new");

        f.clock.advanceSeconds(15);
        LookupResult.Stale again = (LookupResult.Stale) f.cache.lookup(get("/s"));
        assertThat(again.refresh()).as("a finished refresh allows the next one").isPresent();
    }

    @Test
    void refreshOfHeadRequestIsGet() {
        f.fill(get("/s"), 200, f.response("cache-control", "max-age=10, stale-while-revalidate=30"), "old");
        f.clock.advanceSeconds(15);
        LookupResult.Stale stale = (LookupResult.Stale) f.cache.lookup(CacheFixture.request("HEAD", "/s"));
        ResponseDecision decision = f.respond(stale.refresh().orElseThrow(), 200,
                f.response("cache-control", "max-age=10"), "new");
        assertThat(decision).isInstanceOf(ResponseDecision.Store.class);
    }

    @Test
    void staleWhileRevalidateWindowEnds() {
        f.fill(get("/s"), 200, f.response("cache-control", "max-age=10, stale-while-revalidate=30"), "old");
        f.clock.advanceSeconds(41);
        assertThat(f.cache.lookup(get("/s"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void staleIfErrorServesStaleOnServerError() {
        f.fill(get("/e"), 200, f.response("cache-control", "max-age=10, stale-if-error=60", "etag", "\"v\""),
                "old");
        f.clock.advanceSeconds(20);
        for (int status : new int[] {500, 502, 503, 504}) {
            CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/e")));
            ResponseDecision decision = f.cache.onResponse(exchange, status, f.response());
            assertThat(decision).isInstanceOf(ResponseDecision.Serve.class);
            LookupResult.Hit served = ((ResponseDecision.Serve) decision).response();
            assertThat(body(served)).isEqualTo("old");
            assertThat(served.cacheStatus()).isEqualTo("edgespot; fwd=stale; fwd-status=" + status
                    + "; ttl=-10; detail=stale-if-error");
        }
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/e")));
        assertThat(f.cache.onResponse(exchange, 501, f.response())).isInstanceOf(ResponseDecision.Pass.class);
    }

    @Test
    void staleIfErrorOnConnectionFailure() {
        f.fill(get("/e"), 200, f.response("cache-control", "max-age=10, stale-if-error=60"), "old");
        f.clock.advanceSeconds(20);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/e")));
        ResponseDecision decision = f.cache.onError(exchange);
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=stale; ttl=-10; detail=stale-if-error");
    }

    @Test
    void staleIfErrorWindowAndMustRevalidate() {
        f.fill(get("/late"), 200, f.response("cache-control", "max-age=10, stale-if-error=5"), "old");
        f.fill(get("/mr"), 200, f.response("cache-control", "max-age=10, stale-if-error=60, must-revalidate"),
                "old");
        f.clock.advanceSeconds(20);
        for (String path : new String[] {"/late", "/mr"}) {
            ResponseDecision decision = f.cache.onError(CacheFixture.exchange(f.cache.lookup(get(path))));
            assertThat(decision).as(path).isInstanceOf(ResponseDecision.Pass.class);
            assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=stale; detail=origin-error");
        }
    }

    @Test
    void requestStaleIfErrorAlsoApplies() {
        f.fill(get("/e"), 200, f.response("cache-control", "max-age=10"), "old");
        f.clock.advanceSeconds(20);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/e", "cache-control",
                "stale-if-error=30")));
        assertThat(f.cache.onError(exchange)).isInstanceOf(ResponseDecision.Serve.class);
    }
}
