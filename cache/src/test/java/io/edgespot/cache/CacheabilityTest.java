package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 9111 §3: which responses a shared cache may store. */
final class CacheabilityTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("200 max-age", 200, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("203", 203, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("204", 204, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("301", 301, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("404 heuristic", 404, new String[] {"last-modified", "Wed, 01 Jan 2020 00:00:00 GMT"},
                        new String[0], null),
                Arguments.of("410", 410, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("501", 501, new String[] {"cache-control", "max-age=60"}, new String[0], null),
                Arguments.of("206 not handled", 206, new String[] {"cache-control", "max-age=60"}, new String[0],
                        "partial"),
                // RFC 9111 §3: any final status is storable with explicit freshness or public
                Arguments.of("500 with max-age", 500, new String[] {"cache-control", "max-age=60"},
                        new String[0], null),
                Arguments.of("503 with Expires", 503, new String[] {"expires", "Wed, 01 Jan 2031 00:00:00 GMT"},
                        new String[0], null),
                Arguments.of("303 with max-age", 303, new String[] {"cache-control", "max-age=60"},
                        new String[0], null),
                Arguments.of("unknown 599 with max-age", 599, new String[] {"cache-control", "max-age=60"},
                        new String[0], null),
                Arguments.of("unknown 599 public, heuristic", 599, new String[] {"cache-control", "public",
                        "last-modified", "Wed, 01 Jan 2020 00:00:00 GMT"}, new String[0], null),
                Arguments.of("500 without explicit freshness", 500,
                        new String[] {"last-modified", "Wed, 01 Jan 2020 00:00:00 GMT"}, new String[0], "status"),
                Arguments.of("304 never stored", 304, new String[] {"cache-control", "max-age=60"},
                        new String[0], "status"),
                Arguments.of("status beyond 599", 999, new String[] {"cache-control", "max-age=60"},
                        new String[0], "status"),
                // RFC 9111 §5.2.2.3 must-understand
                Arguments.of("must-understand, status not understood", 599,
                        new String[] {"cache-control", "max-age=3600, must-understand"}, new String[0],
                        "must-understand"),
                Arguments.of("must-understand, understood status, no-store ignored", 200,
                        new String[] {"cache-control", "max-age=60, must-understand, no-store"}, new String[0],
                        null),
                Arguments.of("must-understand does not override the request's no-store", 200,
                        new String[] {"cache-control", "max-age=60, must-understand"},
                        new String[] {"cache-control", "no-store"}, "no-store"),
                Arguments.of("302 needs explicit freshness", 302, new String[] {"etag", "\"a\""}, new String[0],
                        "status"),
                Arguments.of("302 with max-age", 302, new String[] {"cache-control", "max-age=60"}, new String[0],
                        null),
                Arguments.of("no-store", 200, new String[] {"cache-control", "max-age=60, no-store"},
                        new String[0], "no-store"),
                Arguments.of("request no-store", 200, new String[] {"cache-control", "max-age=60"},
                        new String[] {"cache-control", "no-store"}, "no-store"),
                Arguments.of("private", 200, new String[] {"cache-control", "private, max-age=60"}, new String[0],
                        "private"),
                Arguments.of("private with field names", 200,
                        new String[] {"cache-control", "private=\"x-user\", max-age=60"}, new String[0], "private"),
                Arguments.of("no-cache with validator is stored", 200,
                        new String[] {"cache-control", "no-cache", "etag", "\"v1\""}, new String[0], null),
                Arguments.of("no-cache without validator is useless", 200,
                        new String[] {"cache-control", "no-cache, max-age=60"}, new String[0], "not-reusable"),
                Arguments.of("nothing reusable", 200, new String[0], new String[0], "not-reusable"),
                Arguments.of("authorization plain max-age", 200, new String[] {"cache-control", "max-age=60"},
                        new String[] {"authorization", "Bearer x"}, "authorization"),
                Arguments.of("authorization public", 200, new String[] {"cache-control", "public, max-age=60"},
                        new String[] {"authorization", "Bearer x"}, null),
                Arguments.of("authorization s-maxage", 200, new String[] {"cache-control", "s-maxage=60"},
                        new String[] {"authorization", "Bearer x"}, null),
                Arguments.of("authorization must-revalidate", 200,
                        new String[] {"cache-control", "max-age=60, must-revalidate"},
                        new String[] {"authorization", "Bearer x"}, null),
                Arguments.of("set-cookie by default", 200,
                        new String[] {"cache-control", "max-age=60", "set-cookie", "s=1"}, new String[0],
                        "set-cookie"),
                Arguments.of("vary star", 200, new String[] {"cache-control", "max-age=60", "vary", "*"},
                        new String[0], "vary-star"),
                Arguments.of("too large by Content-Length", 200,
                        new String[] {"cache-control", "max-age=60", "content-length", "99999999"}, new String[0],
                        "too-large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void storability(String name, int status, String[] response, String[] request, String reason) {
        CacheFixture f = new CacheFixture();
        ResponseDecision decision = f.fill(get("/r", request), status, f.response(response), "body");
        if (reason == null) {
            assertThat(decision).isInstanceOf(ResponseDecision.Store.class);
            assertThat(decision.cacheStatus()).contains("; stored");
        } else {
            assertThat(decision).isInstanceOf(ResponseDecision.Pass.class);
            assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; detail=" + reason);
            assertThat(f.store().asMap()).isEmpty();
        }
    }

    @Test
    void setCookieStoredWhenTenantAllowsIt() {
        CacheFixture f = new CacheFixture(TenantSettings.builder().cacheSetCookie(true).build());
        f.fill(get("/c"), 200, f.response("cache-control", "max-age=60", "set-cookie", "s=1"), "x");
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/c")));
        assertThat(hit.headers().get("set-cookie")).isEqualTo("s=1");
    }

    @Test
    void unsafeAndOtherMethodsBypass() {
        CacheFixture f = new CacheFixture();
        LookupResult post = f.cache.lookup(CacheFixture.request("POST", "/p"));
        assertThat(post).isInstanceOf(LookupResult.Bypass.class);
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(post), 200,
                f.response("cache-control", "max-age=60"));
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=method");
        assertThat(f.store().asMap()).isEmpty();
    }

    @Test
    void rangeRequestsBypass() {
        CacheFixture f = new CacheFixture();
        LookupResult result = f.cache.lookup(get("/r", "range", "bytes=0-10"));
        assertThat(result).isInstanceOf(LookupResult.Bypass.class);
        assertThat(f.cache.onResponse(CacheFixture.exchange(result), 206, f.response()).cacheStatus())
                .isEqualTo("edgespot; fwd=bypass");
    }

    @Test
    void headMissIsForwardedButNotStored() {
        CacheFixture f = new CacheFixture();
        ResponseDecision decision = f.fill(CacheFixture.request("HEAD", "/h"), 200,
                f.response("cache-control", "max-age=60"), "");
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; detail=method");
    }

    @Test
    void headIsAnsweredFromGetEntry() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/g"), 200, f.response("cache-control", "max-age=60", "content-length", "5"), "hello");
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(CacheFixture.request("HEAD", "/g")));
        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.headers().get("content-length")).isEqualTo("5");
        assertThat(CacheFixture.bytes(hit.body())).isEmpty();
    }

    @Test
    void hopByHopFieldsAreNotStored() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/hop"), 200, f.response("cache-control", "max-age=60", "connection", "x-secret",
                "x-secret", "1", "keep-alive", "timeout=5", "x-kept", "yes"), "x");
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/hop")));
        assertThat(hit.headers().names()).contains("x-kept").doesNotContain("connection", "x-secret",
                "keep-alive");
    }
}
