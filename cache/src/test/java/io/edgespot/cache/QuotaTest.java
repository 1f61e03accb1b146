package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Per-tenant quotas, object size limits and tenant settings reloads. */
final class QuotaTest {

    @Test
    void tenantFillingItsQuotaNeverEvictsAnother() {
        CacheFixture f = new CacheFixture(TenantSettings.builder().maxBytes(1L << 20).maxObjectBytes(64 << 10)
                .build());
        f.cache.registerTenant("beta", TenantSettings.defaults(), AesGcmSealer.random());
        String body = "b".repeat(4000);
        for (int i = 0; i < 20; i++) {
            fill(f, "beta", "/b" + i, body);
        }
        for (int i = 0; i < 2000; i++) {
            fill(f, CacheFixture.TENANT, "/a" + i, body);
        }
        f.store().cleanUp();
        TenantStats acme = f.cache.stats(CacheFixture.TENANT).orElseThrow();
        TenantStats beta = f.cache.stats("beta").orElseThrow();
        assertThat(acme.bytes()).isLessThanOrEqualTo(1L << 20);
        assertThat(acme.evictions()).isPositive();
        assertThat(f.listener.count("evicted", CacheFixture.TENANT)).isPositive();
        assertThat(beta.entries()).isEqualTo(20);
        assertThat(beta.evictions()).isZero();
        for (int i = 0; i < 20; i++) {
            assertThat(f.cache.lookup(CacheRequest.get("beta", "https", CacheFixture.HOST, "/b" + i)))
                    .isInstanceOf(LookupResult.Hit.class);
        }
    }

    private static void fill(CacheFixture f, String tenant, String path, String body) {
        LookupResult result = f.cache.lookup(CacheRequest.get(tenant, "https", CacheFixture.HOST, path));
        f.respond(CacheFixture.exchange(result), 200, f.response("cache-control", "max-age=600"), body);
    }

    @Test
    void bodyOverObjectLimitIsNotStoredButStreamContinues() {
        CacheFixture f = new CacheFixture(TenantSettings.builder().maxObjectBytes(1000).build());
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(f.cache.lookup(get("/big"))), 200,
                f.response("cache-control", "max-age=60"));
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        assertThat(collector.append(new byte[600])).isTrue();
        assertThat(collector.append(new byte[600])).isFalse();
        assertThat(collector.append(new byte[1])).isFalse();
        assertThat(collector.complete()).isFalse();
        assertThat(f.cache.lookup(get("/big"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void contentLengthMismatchIsNotStored() {
        CacheFixture f = new CacheFixture();
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(f.cache.lookup(get("/t"))), 200,
                f.response("cache-control", "max-age=60", "content-length", "10"));
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        collector.append("short".getBytes(StandardCharsets.UTF_8));
        assertThat(collector.complete()).isFalse();
        assertThat(f.store().asMap()).isEmpty();
    }

    @Test
    void settingsReloadKeepsEntriesAndAppliesNewQuota() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60"), "x");
        TenantSettings smaller = TenantSettings.builder().maxBytes(1L << 20).maxObjectBytes(1L << 20).build();
        f.cache.registerTenant(CacheFixture.TENANT, smaller, f.sealer.sameKeys());
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Hit.class);
        assertThat(f.cache.stats(CacheFixture.TENANT).orElseThrow().maxBytes()).isEqualTo(1L << 20);
    }

    @Test
    void newKeysetDropsEntries() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60"), "x");
        f.cache.registerTenant(CacheFixture.TENANT, TenantSettings.defaults(), AesGcmSealer.random());
        assertThat(f.store().asMap()).isEmpty();
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void statsCountHitsAndMisses() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60"), "x");
        f.cache.lookup(get("/a"));
        f.cache.lookup(get("/a"));
        TenantStats stats = f.cache.stats(CacheFixture.TENANT).orElseThrow();
        assertThat(stats.hits()).isEqualTo(2);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.stores()).isEqualTo(1);
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.bytes()).isPositive();
        assertThat(f.cache.stats("nobody")).isEmpty();
    }

    @Test
    void invalidSettingsAreRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TenantSettings.builder().maxBytes(10)
                .maxObjectBytes(20).build()).hasMessageContaining("maxObjectBytes");
    }
}
