package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Purge by URL, prefix and tag, soft and hard. */
final class PurgeTest {
    private final CacheFixture f = new CacheFixture(TenantSettings.builder().queryMode(QueryMode.SORT).build());

    private void store(String host, String path, String... extra) {
        String[] headers = new String[extra.length + 4];
        headers[0] = "cache-control";
        headers[1] = "max-age=600";
        headers[2] = "etag";
        headers[3] = "\"e\"";
        System.arraycopy(extra, 0, headers, 4, extra.length);
        LookupResult result = f.cache.lookup(new CacheRequest(CacheFixture.TENANT, "GET", "https", host, path,
                HttpFields.empty()));
        f.respond(CacheFixture.exchange(result), 200, f.response(headers), path);
    }

    private LookupResult lookup(String host, String path) {
        return f.cache.lookup(new CacheRequest(CacheFixture.TENANT, "GET", "https", host, path, HttpFields.empty()));
    }

    private void assertPurged(LookupResult result, PurgeMode mode) {
        // A soft purge keeps the entry but forces revalidation; a hard purge removes it.
        assertThat(result).isInstanceOf(mode == PurgeMode.SOFT ? LookupResult.Revalidate.class
                : LookupResult.Miss.class);
    }

    @ParameterizedTest
    @EnumSource(PurgeMode.class)
    void purgeUrl(PurgeMode mode) {
        store(CacheFixture.HOST, "/a?x=1&y=2");
        store(CacheFixture.HOST, "/b");
        assertThat(f.cache.purgeUrl(CacheFixture.TENANT, "https", "WWW.acme.example:443", "/a?y=2&x=1", mode))
                .isEqualTo(1);
        assertPurged(lookup(CacheFixture.HOST, "/a?x=1&y=2"), mode);
        assertThat(lookup(CacheFixture.HOST, "/b")).isInstanceOf(LookupResult.Hit.class);
    }

    @ParameterizedTest
    @EnumSource(PurgeMode.class)
    void purgePrefix(PurgeMode mode) {
        store(CacheFixture.HOST, "/img/a.png");
        store(CacheFixture.HOST, "/img/b/c.png?v=2");
        store(CacheFixture.HOST, "/css/site.css");
        store("static.acme.example", "/img/a.png");
        assertThat(f.cache.purgePrefix(CacheFixture.TENANT, CacheFixture.HOST, "/img/", mode)).isEqualTo(2);
        assertPurged(lookup(CacheFixture.HOST, "/img/a.png"), mode);
        assertPurged(lookup(CacheFixture.HOST, "/img/b/c.png?v=2"), mode);
        assertThat(lookup(CacheFixture.HOST, "/css/site.css")).isInstanceOf(LookupResult.Hit.class);
        assertThat(lookup("static.acme.example", "/img/a.png")).isInstanceOf(LookupResult.Hit.class);
    }

    @ParameterizedTest
    @EnumSource(PurgeMode.class)
    void purgeTag(PurgeMode mode) {
        store(CacheFixture.HOST, "/p1", "surrogate-key", "product-1 catalog");
        store(CacheFixture.HOST, "/p2", "cache-tag", "product-2,catalog");
        store(CacheFixture.HOST, "/home", "surrogate-key", "home");
        assertThat(f.cache.purgeTag(CacheFixture.TENANT, "catalog", mode)).isEqualTo(2);
        assertPurged(lookup(CacheFixture.HOST, "/p1"), mode);
        assertPurged(lookup(CacheFixture.HOST, "/p2"), mode);
        assertThat(lookup(CacheFixture.HOST, "/home")).isInstanceOf(LookupResult.Hit.class);
        assertThat(f.listener.count("purged", CacheFixture.TENANT)).isEqualTo(2);
    }

    @Test
    void softPurgedEntryIsFreshAgainAfter304() {
        store(CacheFixture.HOST, "/a");
        f.cache.purgeUrl(CacheFixture.TENANT, "https", CacheFixture.HOST, "/a", PurgeMode.SOFT);
        CacheExchange exchange = CacheFixture.exchange(lookup(CacheFixture.HOST, "/a"));
        assertThat(f.cache.onResponse(exchange, 304, f.response())).isInstanceOf(ResponseDecision.Serve.class);
        assertThat(lookup(CacheFixture.HOST, "/a")).isInstanceOf(LookupResult.Hit.class);
    }

    @Test
    void purgeIsPerTenant() {
        store(CacheFixture.HOST, "/a", "surrogate-key", "k");
        f.cache.registerTenant("other", TenantSettings.defaults(), AesGcmSealer.random());
        assertThat(f.cache.purgeTag("other", "k", PurgeMode.HARD)).isZero();
        assertThat(f.cache.purgeUrl("other", "https", CacheFixture.HOST, "/a", PurgeMode.HARD)).isZero();
        assertThat(lookup(CacheFixture.HOST, "/a")).isInstanceOf(LookupResult.Hit.class);
    }
}
