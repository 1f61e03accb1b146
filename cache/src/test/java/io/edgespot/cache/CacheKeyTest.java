package io.edgespot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cache key construction: tenant first, host and query normalisation. */
final class CacheKeyTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "KEEP,   /a?b=2&a=1,    /a?b=2&a=1",
        "SORT,   /a?b=2&a=1,    /a?a=1&b=2",
        "SORT,   /a?b=2&&a=1&,  /a?a=1&b=2",
        "SORT,   /a?,           /a",
        "IGNORE, /a?b=2&a=1,    /a",
        "KEEP,   /a#frag,       /a",
        "KEEP,   '',            /",
        "KEEP,   ?q=1,          /?q=1"})
    void queryNormalisation(QueryMode mode, String target, String expected) {
        assertThat(PrimaryKey.normalisePathAndQuery(target, mode)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "https, WWW.Acme.Example,     www.acme.example",
        "https, www.acme.example:443, www.acme.example",
        "http,  www.acme.example:80,  www.acme.example",
        "https, www.acme.example:80,  www.acme.example:80",
        "http,  www.acme.example:443, www.acme.example:443",
        "https, www.acme.example.,    www.acme.example",
        "https, '[::1]:443',          '[::1]'",
        "https, '[::1]:8443',         '[::1]:8443'"})
    void hostNormalisation(String scheme, String host, String expected) {
        assertThat(PrimaryKey.normaliseHost(scheme, host)).isEqualTo(expected);
    }

    @Test
    void keyStartsWithTenantAndRoundTrips() throws Exception {
        PrimaryKey key = PrimaryKey.of("acme", "HTTPS", "Shop.Acme.Example:443", "/p?b=1&a=2", QueryMode.SORT);
        byte[] encoded = key.encode();
        String prefix = new String(encoded, 0, Math.min(40, encoded.length), StandardCharsets.ISO_8859_1);
        assertThat(prefix).contains("edgespot-key-v1").contains("acme");
        assertThat(prefix.indexOf("acme")).isLessThan(prefix.indexOf("https"));
        assertThat(PrimaryKey.decode(encoded)).isEqualTo(new PrimaryKey("acme", "https", "shop.acme.example",
                "/p?a=2&b=1"));
        assertThat(key.toString()).doesNotContain("shop");
    }

    @Test
    void sameUrlInTwoTenantsIsTwoEntries() {
        CacheFixture f = new CacheFixture();
        f.cache.registerTenant("beta", TenantSettings.defaults(), f.sealer.sameKeys());
        f.fill(CacheFixture.get("/x"), 200, f.response("cache-control", "max-age=60"), "acme");
        assertThat(f.cache.lookup(CacheRequest.get("beta", "https", CacheFixture.HOST, "/x")))
                .isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void queryModesEndToEnd() {
        CacheFixture ignore = new CacheFixture(TenantSettings.builder().queryMode(QueryMode.IGNORE).build());
        ignore.fill(CacheFixture.get("/x?utm=1"), 200, ignore.response("cache-control", "max-age=60"), "x");
        assertThat(ignore.cache.lookup(CacheFixture.get("/x?utm=2"))).isInstanceOf(LookupResult.Hit.class);

        CacheFixture keep = new CacheFixture();
        keep.fill(CacheFixture.get("/x?a=1&b=2"), 200, keep.response("cache-control", "max-age=60"), "x");
        assertThat(keep.cache.lookup(CacheFixture.get("/x?b=2&a=1"))).isInstanceOf(LookupResult.Miss.class);
        assertThat(keep.cache.lookup(CacheFixture.get("/x?a=1&b=2"))).isInstanceOf(LookupResult.Hit.class);
    }

    @Test
    void schemeIsPartOfKey() {
        CacheFixture f = new CacheFixture();
        f.fill(CacheFixture.get("/x"), 200, f.response("cache-control", "max-age=60"), "x");
        assertThat(f.cache.lookup(new CacheRequest(CacheFixture.TENANT, "GET", "http", CacheFixture.HOST, "/x",
                HttpFields.empty()))).isInstanceOf(LookupResult.Miss.class);
    }
}
