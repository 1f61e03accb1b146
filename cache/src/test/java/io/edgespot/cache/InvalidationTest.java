package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9111 §4.4: invalidation after unsafe methods. */
final class InvalidationTest {
    private final CacheFixture f = new CacheFixture();

    private void store(String path) {
        f.fill(get(path), 200, f.response("cache-control", "max-age=600"), path);
    }

    private void unsafe(String method, String path, int status, String... responseHeaders) {
        LookupResult result = f.cache.lookup(request(method, path));
        assertThat(result).isInstanceOf(LookupResult.Bypass.class);
        f.cache.onResponse(CacheFixture.exchange(result), status, f.response(responseHeaders));
    }

    private boolean cached(String path) {
        return f.cache.lookup(get(path)) instanceof LookupResult.Hit;
    }

    @ParameterizedTest(name = "{0} {1} -> invalidated={2}")
    @CsvSource({"POST,200,true", "PUT,201,true", "DELETE,204,true", "PATCH,303,true", "POST,404,false",
            "POST,500,false", "OPTIONS,200,false"})
    void targetUriInvalidatedOnNonErrorResponse(String method, int status, boolean invalidated) {
        store("/item");
        unsafe(method, "/item", status);
        assertThat(cached("/item")).isEqualTo(!invalidated);
    }

    @Test
    void locationAndContentLocationOnSameHostAreInvalidated() {
        store("/list");
        store("/items/7");
        store("/other");
        unsafe("POST", "/items", 201, "location", "https://www.acme.example/list", "content-location", "items/7");
        assertThat(cached("/list")).isFalse();
        assertThat(cached("/items/7")).isFalse();
        assertThat(cached("/other")).isTrue();
    }

    @Test
    void locationOnOtherHostIsIgnored() {
        store("/list");
        unsafe("POST", "/items", 201, "location", "https://evil.example/list");
        assertThat(cached("/list")).isTrue();
    }

    @Test
    void invalidationCoversEveryVariant() {
        f.fill(get("/v", "accept-language", "en"), 200,
                f.response("cache-control", "max-age=60", "vary", "accept-language"), "en");
        f.fill(get("/v", "accept-language", "fr"), 200,
                f.response("cache-control", "max-age=60", "vary", "accept-language"), "fr");
        unsafe("PUT", "/v", 200);
        assertThat(f.store().asMap()).isEmpty();
        assertThat(f.listener.count("purged", CacheFixture.TENANT)).isEqualTo(2);
    }
}
