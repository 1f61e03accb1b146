package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9110 §14: byte ranges served from a stored 200, across segment boundaries, with If-Range. */
final class RangeTest {
    private static final int SEGMENT = 1024;
    private static final int LENGTH = 5000;
    private static final String ETAG = "\"v7\"";
    private static final String LAST_MODIFIED = "Mon, 30 Nov 2026 10:00:00 GMT";

    private final CacheFixture f = new CacheFixture(TenantSettings.defaults(), SEGMENT);
    private final byte[] body = new byte[LENGTH];

    RangeTest() {
        new Random(3).nextBytes(body);
        f.respond(CacheFixture.exchange(f.cache.lookup(get("/r"))), 200, f.response("cache-control", "max-age=60",
                "etag", ETAG, "last-modified", LAST_MODIFIED), body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // Range                 | first | last  (RFC 9110 §14.1.2)
        "bytes=0-0               | 0     | 0",
        "bytes=0-99              | 0     | 99",
        "bytes=1000-1100         | 1000  | 1100",   // across the first segment boundary
        "bytes=1023-1024         | 1023  | 1024",
        "bytes=100-4999          | 100   | 4999",   // every segment, cut at both ends
        "bytes=4096-             | 4096  | 4999",   // open-ended, the short last segment
        "bytes=4000-9999         | 4000  | 4999",   // last-byte-pos past the end is clamped
        "bytes=-1                | 4999  | 4999",   // suffix
        "bytes=-900              | 4100  | 4999",
        "bytes=-99999            | 0     | 4999",   // suffix longer than the body: all of it
        "BYTES=10-20             | 10    | 20",     // the unit is case-insensitive
    })
    void oneRangeIsServedAsPartialContent(String range, long first, long last) {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", range)));

        assertThat(hit.status()).isEqualTo(206);
        assertThat(hit.headers().get("content-range")).isEqualTo("bytes " + first + "-" + last + "/" + LENGTH);
        assertThat(hit.body().length()).isEqualTo(last - first + 1);
        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(Arrays.copyOfRange(body, (int) first, (int) last + 1));
        assertThat(hit.cacheStatus()).startsWith("edgespot; hit");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bytes=5000-",              // first-byte-pos at the end
        "bytes=6000-7000",
        "bytes=-0",                 // an empty suffix
    })
    void rangeStartingPastTheEndIsUnsatisfiable(String range) {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", range)));

        assertThat(hit.status()).isEqualTo(416);
        assertThat(hit.headers().get("content-range")).isEqualTo("bytes */" + LENGTH);
        assertThat(hit.body().length()).isZero();
        assertThat(hit.body().segmentCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-1,5-9",      // several ranges: the whole response instead of multipart/byteranges
        "items=0-9",          // another unit
        "bytes=9-2",          // last before first: an invalid range-spec
        "bytes=a-9",
        "bytes=",
        "bytes=5",
        "bytes=1-2-3",
    })
    void anyOtherRangeIsIgnored(String range) {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", range)));

        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.headers().get("content-range")).isNull();
        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(body);
    }

    @ParameterizedTest(name = "If-Range: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "\"v7\"                          | 206",
        "\"v6\"                          | 200",
        "W/\"v7\"                        | 200",   // If-Range needs the strong comparison
        "Mon, 30 Nov 2026 10:00:00 GMT   | 206",
        "Mon, 30 Nov 2026 10:00:01 GMT   | 200",
        "yesterday                       | 200",
    })
    void ifRangeDecidesBetweenThePartAndTheWhole(String ifRange, int status) {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", "bytes=10-19", "if-range",
                ifRange)));

        assertThat(hit.status()).isEqualTo(status);
        assertThat(hit.body().length()).isEqualTo(status == 206 ? 10 : LENGTH);
    }

    @Test
    void aMatchingConditionalWinsOverTheRange() {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", "bytes=0-9",
                "if-none-match", ETAG)));

        assertThat(hit.status()).isEqualTo(304);
    }

    @Test
    void rangeOnAMissGoesToTheOriginAsItCameAndIsNotStored() {
        LookupResult result = f.cache.lookup(get("/absent", "range", "bytes=0-9"));

        assertThat(result).isInstanceOf(LookupResult.Bypass.class);
        assertThat(f.listener.count("bypass", CacheFixture.TENANT)).isEqualTo(1);
    }

    @Test
    void rangeWithOnlyIfCachedThatMissesIsAnsweredWithoutTheOrigin() {
        assertThat(f.cache.lookup(get("/absent", "range", "bytes=0-9", "cache-control", "only-if-cached")))
                .isInstanceOf(LookupResult.OnlyIfCachedMiss.class);
    }

    @Test
    void rangeWithNoCacheGoesToTheOrigin() {
        assertThat(f.cache.lookup(get("/r", "range", "bytes=0-9", "cache-control", "no-cache")))
                .isInstanceOf(LookupResult.Bypass.class);
    }

    @Test
    void headWithRangeIsAnsweredWhole() {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(CacheFixture.request("HEAD", "/r", "range",
                "bytes=0-9")));

        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.body().length()).isZero();
    }

    @Test
    void rangeOfASmallBodyKeptInTheHead() {
        CacheFixture small = new CacheFixture();
        small.respond(CacheFixture.exchange(small.cache.lookup(get("/s"))), 200,
                small.response("cache-control", "max-age=60"), "hello, range");

        LookupResult.Hit hit = CacheFixture.hit(small.cache.lookup(get("/s", "range", "bytes=7-")));

        assertThat(hit.status()).isEqualTo(206);
        assertThat(CacheFixture.body(hit)).isEqualTo("range");
    }

    @Test
    void segmentsOpenIntoADirectBufferAtAnOffset() {
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/r", "range", "bytes=1500-2600")));
        ByteBuffer out = ByteBuffer.allocate(LENGTH);
        for (int i = 0; i < hit.body().segmentCount(); i++) {
            ByteBuffer dst = ByteBuffer.allocateDirect(hit.body().segmentCapacity(i) + 3).position(3);
            int n = hit.body().openSegment(i, dst);
            assertThat(dst.position()).isEqualTo(3 + n);
            out.put(dst.flip().position(3));
        }

        assertThat(Arrays.copyOf(out.array(), out.position())).isEqualTo(Arrays.copyOfRange(body, 1500, 2601));
    }
}
