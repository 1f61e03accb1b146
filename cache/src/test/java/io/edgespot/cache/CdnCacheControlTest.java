package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9213 targeted cache control: CDN-Cache-Control, then Surrogate-Control, over Cache-Control and Expires. */
final class CdnCacheControlTest {
    private final CacheFixture f = new CacheFixture();

    @Test
    void cdnCacheControlTakesPrecedence() {
        ResponseDecision decision = f.fill(get("/c"), 200, f.response("cache-control", "max-age=10",
                "cdn-cache-control", "max-age=600"), "x");
        assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; ttl=600; stored");
        f.clock.advanceSeconds(300);
        LookupResult.Hit hit = hit(f.cache.lookup(get("/c")));
        assertThat(hit.headers().get("cache-control")).isEqualTo("max-age=10");
        assertThat(hit.headers().contains("cdn-cache-control")).isFalse();
    }

    @Test
    void cdnCacheControlCanAllowWhatCacheControlForbidsAndViceVersa() {
        assertThat(f.fill(get("/a"), 200, f.response("cache-control", "no-store",
                "cdn-cache-control", "max-age=60"), "x")).isInstanceOf(ResponseDecision.Store.class);
        assertThat(f.fill(get("/b"), 200, f.response("cache-control", "max-age=60",
                "cdn-cache-control", "no-store"), "x")).isInstanceOf(ResponseDecision.Pass.class);
    }

    @Test
    void expiresIsIgnoredUnderTargetedField() {
        f.fill(get("/e"), 200, f.response("expires", HttpDates.format(CacheFixture.T0 + 3_600_000),
                "cdn-cache-control", "max-age=5"), "x");
        f.clock.advanceSeconds(6);
        assertThat(f.cache.lookup(get("/e"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void surrogateControlWhenNoCdnCacheControl() {
        ResponseDecision decision = f.fill(get("/s"), 200, f.response("cache-control", "max-age=10",
                "surrogate-control", "max-age=120"), "x");
        assertThat(decision.cacheStatus()).contains("ttl=120");
    }

    @Test
    void surrogateControlTargetedAtThisCacheApplies() {
        assertThat(f.fill(get("/m"), 200, f.response("cache-control", "no-store",
                "surrogate-control", "max-age=10000;edgespot"), "x").cacheStatus()).contains("ttl=10000; stored");
        assertThat(f.fill(get("/n"), 200, f.response("surrogate-control", "max-age=60, max-age=300;EdgeSpot"),
                "x").cacheStatus()).as("targeted wins over untargeted").contains("ttl=300; stored");
        assertThat(f.fill(get("/o"), 200, f.response("cache-control", "max-age=60",
                "surrogate-control", "no-store;edgespot"), "x")).isInstanceOf(ResponseDecision.Pass.class);
    }

    @Test
    void surrogateControlTargetedAtAnotherDeviceIsIgnored() {
        // Only other devices are targeted: Cache-Control governs, rather than a max-age read as 0.
        assertThat(f.fill(get("/p"), 200, f.response("cache-control", "max-age=600",
                "surrogate-control", "max-age=5;other-cdn, no-store;other-cdn"), "x").cacheStatus())
                .contains("ttl=600; stored");
        assertThat(f.fill(get("/q"), 200, f.response("cache-control", "max-age=600",
                "surrogate-control", "max-age=5;other-cdn, max-age=120"), "x").cacheStatus())
                .contains("ttl=120; stored");
        assertThat(f.fill(get("/r"), 200, f.response("cache-control", "no-store",
                "surrogate-control", "max-age=3600;CAPABILITY_TARGET"), "x"))
                .isInstanceOf(ResponseDecision.Pass.class);
    }

    @Test
    void surrogateCapabilityNamesTheDeviceToken() {
        assertThat(f.cache.surrogateCapability()).isEqualTo("edgespot=\"Surrogate/1.0\"");
    }

    @Test
    void emptyTargetedFieldFallsBackToCacheControl() {
        ResponseDecision decision = f.fill(get("/s"), 200, f.response("cache-control", "max-age=10",
                "cdn-cache-control", ""), "x");
        assertThat(decision.cacheStatus()).contains("ttl=10");
    }

    @Test
    void cacheOnlyFieldsAreStrippedDownstream() {
        ResponseDecision store = f.fill(get("/t"), 200, f.response("cdn-cache-control", "max-age=60",
                "surrogate-control", "max-age=5", "surrogate-key", "a b", "cache-tag", "c"), "x");
        assertThat(((ResponseDecision.Store) store).stripHeaders())
                .containsExactly("cdn-cache-control", "surrogate-control", "surrogate-key", "cache-tag");
        ResponseDecision pass = f.fill(get("/u"), 200, f.response("cdn-cache-control", "no-store"), "x");
        assertThat(((ResponseDecision.Pass) pass).stripHeaders()).containsExactly("cdn-cache-control");
        LookupResult.Hit hit = hit(f.cache.lookup(get("/t")));
        assertThat(hit.headers().names()).doesNotContain("cdn-cache-control", "surrogate-control", "surrogate-key",
                "cache-tag");
    }
}
