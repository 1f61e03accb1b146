package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.body;
import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9111 §4.1: selecting a stored response by the Vary-named request fields. */
final class VaryTest {
    private final CacheFixture f = new CacheFixture();

    private void store(String body, String... requestHeaders) {
        f.fill(get("/v", requestHeaders), 200,
                f.response("cache-control", "max-age=60", "vary", "Accept-Encoding, Accept-Language"), body);
    }

    @Test
    void matchingRequestHits() {
        store("gzip-en", "accept-encoding", "gzip", "accept-language", "en");
        assertThat(body(hit(f.cache.lookup(get("/v", "accept-encoding", "gzip", "accept-language", "en")))))
                .isEqualTo("gzip-en");
    }

    @Test
    void mismatchIsVaryMiss() {
        store("gzip-en", "accept-encoding", "gzip", "accept-language", "en");
        LookupResult result = f.cache.lookup(get("/v", "accept-encoding", "br", "accept-language", "en"));
        assertThat(result).isInstanceOf(LookupResult.Miss.class);
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(result), 200,
                f.response("cache-control", "no-store"));
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=vary-miss; detail=no-store");
    }

    @Test
    void variantsCoexist() {
        store("gzip", "accept-encoding", "gzip");
        store("br", "accept-encoding", "br");
        store("none");
        assertThat(body(hit(f.cache.lookup(get("/v", "accept-encoding", "gzip"))))).isEqualTo("gzip");
        assertThat(body(hit(f.cache.lookup(get("/v", "accept-encoding", "br"))))).isEqualTo("br");
        assertThat(body(hit(f.cache.lookup(get("/v"))))).isEqualTo("none");
        assertThat(f.store().asMap()).hasSize(1);
    }

    @Test
    void selectedValuesAreNormalised() {
        store("x", "accept-encoding", "gzip, br");
        assertThat(f.cache.lookup(get("/v", "accept-encoding", "GZIP,br"))).isInstanceOf(LookupResult.Hit.class);
        assertThat(f.cache.lookup(get("/v", "Accept-Encoding", "gzip", "accept-encoding", "br")))
                .isInstanceOf(LookupResult.Hit.class);
        assertThat(f.cache.lookup(get("/v", "accept-encoding", "br, gzip"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void absentFieldDiffersFromEmptyField() {
        store("absent");
        assertThat(f.cache.lookup(get("/v", "accept-language", ""))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void variantCountIsBounded() {
        CacheFixture small = new CacheFixture(TenantSettings.builder().maxVariants(2).build());
        for (String lang : new String[] {"en", "fr", "de"}) {
            small.fill(get("/v", "accept-language", lang), 200,
                    small.response("cache-control", "max-age=60", "vary", "accept-language"), lang);
        }
        assertThat(small.cache.lookup(get("/v", "accept-language", "en"))).isInstanceOf(LookupResult.Miss.class);
        assertThat(small.cache.lookup(get("/v", "accept-language", "de"))).isInstanceOf(LookupResult.Hit.class);
    }
}
