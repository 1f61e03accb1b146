package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.body;
import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9111 §4.3: validation, 304 handling and header update (§3.2, §4.3.4), client conditionals (§4.3.2). */
final class RevalidationTest {
    private final CacheFixture f = new CacheFixture();

    @Test
    void etagAndLastModifiedBecomeConditionalHeaders() {
        String lastModified = HttpDates.format(CacheFixture.T0 - 3_600_000);
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10", "etag", "W/\"v1\"",
                "last-modified", lastModified), "body");
        f.clock.advanceSeconds(11);
        LookupResult result = f.cache.lookup(get("/r", "if-none-match", "\"client\""));
        assertThat(result).isInstanceOf(LookupResult.Revalidate.class);
        CacheExchange exchange = CacheFixture.exchange(result);
        assertThat(exchange.conditionalHeaders()).isEqualTo(HttpFields.of("if-none-match", "W/\"v1\"",
                "if-modified-since", lastModified));
        assertThat(exchange.requestHeadersToRemove()).containsExactly("if-none-match", "if-modified-since");
    }

    @Test
    void notModifiedUpdatesStoredHeadersAndServesStoredBody() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10", "etag", "\"v1\"", "x-version", "1",
                "content-length", "4", "content-type", "text/plain"), "body");
        f.clock.advanceSeconds(11);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/r")));
        ResponseDecision decision = f.cache.onResponse(exchange, 304, f.response("cache-control", "max-age=100",
                "etag", "\"v1\"", "x-version", "2", "content-length", "0"));
        assertThat(decision).isInstanceOf(ResponseDecision.Serve.class);
        LookupResult.Hit served = ((ResponseDecision.Serve) decision).response();
        assertThat(served.status()).isEqualTo(200);
        assertThat(body(served)).isEqualTo("body");
        assertThat(served.headers().get("x-version")).isEqualTo("2");
        assertThat(served.headers().get("content-length")).isEqualTo("4");
        assertThat(served.cacheStatus()).isEqualTo("edgespot; fwd=stale; fwd-status=304; ttl=100; stored");
        assertThat(f.listener.count("revalidated", CacheFixture.TENANT)).isEqualTo(1);

        f.clock.advanceSeconds(50);
        LookupResult.Hit later = hit(f.cache.lookup(get("/r")));
        assertThat(later.headers().get("x-version")).isEqualTo("2");
        assertThat(later.headers().get("age")).isEqualTo("50");
        assertThat(body(later)).isEqualTo("body");
    }

    @Test
    void notModifiedUpdatesContentTypeButNotFieldsDescribingTheStoredContent() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=2", "etag", "\"v1\"",
                "content-type", "text/plain", "content-md5", "rL0Y20zC+Fzt72VPzMSk2A==",
                "content-encoding", "gzip", "content-length", "4"), "body");
        f.clock.advanceSeconds(3);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/r")));
        ResponseDecision decision = f.cache.onResponse(exchange, 304, f.response("cache-control", "max-age=2",
                "etag", "\"v1\"", "content-type", "text/plain;charset=utf-8",
                "content-md5", "N7UdGUp1E+RbVvZSTy1R8g==", "content-encoding", "br", "content-length", "0"));
        LookupResult.Hit served = ((ResponseDecision.Serve) decision).response();
        for (LookupResult.Hit response : new LookupResult.Hit[] {served, hit(f.cache.lookup(get("/r")))}) {
            assertThat(response.headers().get("content-type")).isEqualTo("text/plain;charset=utf-8");
            assertThat(response.headers().get("content-md5")).isEqualTo("rL0Y20zC+Fzt72VPzMSk2A==");
            assertThat(response.headers().get("content-encoding")).isEqualTo("gzip");
            assertThat(response.headers().get("content-length")).isEqualTo("4");
            assertThat(body(response)).isEqualTo("body");
        }
    }

    @Test
    void fullResponseReplacesStaleEntry() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10", "etag", "\"v1\""), "old");
        f.clock.advanceSeconds(11);
        ResponseDecision decision = f.fill(get("/r"), 200, f.response("cache-control", "max-age=60",
                "etag", "\"v2\""), "new");
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=stale; ttl=60; stored");
        assertThat(body(hit(f.cache.lookup(get("/r"))))).isEqualTo("new");
    }

    @Test
    void notModifiedWithOtherEtagDropsEntryAndAsksForRefetch() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10", "etag", "\"v1\""), "old");
        f.clock.advanceSeconds(11);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(get("/r")));
        ResponseDecision decision = f.cache.onResponse(exchange, 304, f.response("etag", "\"v2\""));
        assertThat(decision).isInstanceOf(ResponseDecision.Refetch.class);
        assertThat(f.cache.lookup(get("/r"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void staleWithoutValidatorsIsPlainMiss() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10"), "old");
        f.clock.advanceSeconds(11);
        LookupResult result = f.cache.lookup(get("/r"));
        assertThat(result).isInstanceOf(LookupResult.Miss.class);
        assertThat(CacheFixture.exchange(result).conditionalHeaders().isEmpty()).isTrue();
    }

    @Test
    void clientConditionalIsAnsweredFromCache() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=60", "etag", "\"v1\"",
                "last-modified", HttpDates.format(CacheFixture.T0 - 1000), "content-type", "text/plain"), "body");
        LookupResult.Hit notModified = hit(f.cache.lookup(get("/r", "if-none-match", "\"x\", W/\"v1\"")));
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.headers().get("etag")).isEqualTo("\"v1\"");
        assertThat(notModified.headers().contains("content-type")).isFalse();
        assertThat(notModified.body().length()).isZero();
        assertThat(hit(f.cache.lookup(get("/r", "if-none-match", "\"v0\""))).status()).isEqualTo(200);
        assertThat(hit(f.cache.lookup(get("/r", "if-modified-since", f.now()))).status()).isEqualTo(304);
        assertThat(hit(f.cache.lookup(get("/r", "if-modified-since",
                HttpDates.format(CacheFixture.T0 - 5000)))).status()).isEqualTo(200);
    }

    @Test
    void headRevalidationMergesWithoutBody() {
        f.fill(get("/r"), 200, f.response("cache-control", "max-age=10", "etag", "\"v1\""), "body");
        f.clock.advanceSeconds(11);
        CacheExchange exchange = CacheFixture.exchange(f.cache.lookup(CacheFixture.request("HEAD", "/r")));
        ResponseDecision decision = f.cache.onResponse(exchange, 304, f.response("cache-control", "max-age=10"));
        LookupResult.Hit served = ((ResponseDecision.Serve) decision).response();
        assertThat(served.body().length()).isZero();
        assertThat(body(hit(f.cache.lookup(get("/r"))))).isEqualTo("body");
    }
}
