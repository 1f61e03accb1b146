package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.T0;
import static io.edgespot.cache.CacheFixture.get;
import static io.edgespot.cache.CacheFixture.hit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4.2: freshness lifetime (§4.2.1), heuristics (§4.2.2) and age (§4.2.3). */
final class FreshnessTest {
    private static final String DATE = HttpDates.format(T0);
    private static final TenantSettings SETTINGS = TenantSettings.builder()
            .heuristicMaxLifetime(Duration.ofHours(1)).build();

    static Stream<Arguments> lifetimes() {
        return Stream.of(
                Arguments.of("max-age", 200, HttpFields.of("cache-control", "max-age=60"), 60),
                Arguments.of("s-maxage wins over max-age", 200,
                        HttpFields.of("cache-control", "max-age=60, s-maxage=30"), 30),
                Arguments.of("max-age wins over Expires", 200, HttpFields.of("cache-control", "max-age=5",
                        "expires", HttpDates.format(T0 + 100_000)), 5),
                Arguments.of("Expires minus Date", 200, HttpFields.of("expires", HttpDates.format(T0 + 120_000)), 120),
                Arguments.of("Expires in the past", 200, HttpFields.of("expires", HttpDates.format(T0 - 1000)), 0),
                Arguments.of("invalid Expires means expired", 200, HttpFields.of("expires", "0"), 0),
                Arguments.of("invalid max-age means stale", 200, HttpFields.of("cache-control", "max-age=abc"), 0),
                Arguments.of("first max-age wins", 200, HttpFields.of("cache-control", "max-age=10, max-age=99"), 10),
                Arguments.of("heuristic 10% of Date - Last-Modified", 200,
                        HttpFields.of("last-modified", HttpDates.format(T0 - 1_000_000)), 100),
                Arguments.of("heuristic capped", 404,
                        HttpFields.of("last-modified", HttpDates.format(T0 - 864_000_000L)), 3600),
                Arguments.of("no heuristic for 302", 302,
                        HttpFields.of("last-modified", HttpDates.format(T0 - 1_000_000)), 0),
                Arguments.of("public allows heuristic for 302", 302, HttpFields.of("cache-control", "public",
                        "last-modified", HttpDates.format(T0 - 1_000_000)), 100),
                Arguments.of("no heuristic with explicit Expires", 200, HttpFields.of("expires", "0",
                        "last-modified", HttpDates.format(T0 - 1_000_000)), 0),
                Arguments.of("nothing", 200, HttpFields.empty(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void freshnessLifetime(String name, int status, HttpFields headers, long expectedSeconds) {
        HttpFields withDate = headers.toBuilder().add("date", DATE).build();
        Freshness freshness = ResponsePolicy.of(withDate).freshness(status, T0, T0, SETTINGS);
        assertThat(freshness.lifetimeMillis()).isEqualTo(expectedSeconds * 1000);
    }

    static Stream<Arguments> ages() {
        // requestTime, responseTime, Date, Age header -> corrected initial age (RFC 9111 §4.2.3)
        return Stream.of(
                Arguments.of("fresh from origin", 0, 0, 0, null, 0),
                Arguments.of("Age header", 0, 0, 0, "100", 100_000),
                Arguments.of("response delay is added to Age", 0, 2_000, 2_000, "10", 12_000),
                Arguments.of("apparent age from Date", 0, 0, -50_000, null, 50_000),
                Arguments.of("apparent age wins when larger", 0, 1_000, -30_000, "5", 31_000),
                Arguments.of("Date in the future clamps to 0", 0, 0, 60_000, null, 0),
                Arguments.of("invalid Age reads 0", 0, 0, 0, "ten", 0),
                // RFC 9111 §5.1: the first member of a list-based Age counts; an invalid value is ignored
                Arguments.of("list: first member counts", 0, 0, 0, "7200, 0", 7_200_000),
                Arguments.of("list without space: first member counts", 0, 0, 0, "7200,0", 7_200_000),
                Arguments.of("list: later members are discarded", 0, 0, 0, "0, 7200", 0),
                Arguments.of("list of equal members", 0, 0, 0, "3600, 3600", 3_600_000),
                Arguments.of("negative Age is ignored", 0, 0, 0, "-7200", 0),
                Arguments.of("float Age is ignored", 0, 0, 0, "7200.0", 0),
                Arguments.of("Age with a parameter is ignored", 0, 0, 0, "7200;foo=bar", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ages")
    void correctedInitialAge(String name, long request, long response, long date, String age, long expected) {
        HttpFields.Builder headers = HttpFields.builder().add("date", HttpDates.format(T0 + date));
        if (age != null) {
            headers.add("age", age);
        }
        Freshness freshness = ResponsePolicy.of(headers.build()).freshness(200, T0 + request, T0 + response,
                SETTINGS);
        assertThat(freshness.correctedInitialAgeMillis()).isEqualTo(expected);
    }

    @Test
    void firstOfSeveralAgeLinesCounts() {
        HttpFields oldFirst = HttpFields.of("date", HttpDates.format(T0), "age", "7200", "age", "0");
        HttpFields freshFirst = HttpFields.of("date", HttpDates.format(T0), "age", "0", "age", "7200");
        assertThat(ResponsePolicy.of(oldFirst).freshness(200, T0, T0, SETTINGS).correctedInitialAgeMillis())
                .isEqualTo(7_200_000);
        assertThat(ResponsePolicy.of(freshFirst).freshness(200, T0, T0, SETTINGS).correctedInitialAgeMillis())
                .isZero();
    }

    @Test
    void staleByFirstAgeMemberIsNotServed() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=3600", "age", "7200, 0"), "hello");
        assertThat(f.cache.lookup(get("/a"))).isNotInstanceOf(LookupResult.Hit.class);
    }

    @Test
    void ageHeaderGrowsWithResidentTimeAndEntryGoesStale() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/a"), 200, f.response("cache-control", "max-age=60", "age", "10"), "hello");
        f.clock.advanceSeconds(30);
        LookupResult.Hit hit = hit(f.cache.lookup(get("/a")));
        assertThat(hit.headers().get("age")).isEqualTo("40");
        assertThat(hit.cacheStatus()).isEqualTo("edgespot; hit; ttl=20");
        f.clock.advanceSeconds(20);
        assertThat(f.cache.lookup(get("/a"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void expiresDrivesFreshnessEndToEnd() {
        CacheFixture f = new CacheFixture();
        f.fill(get("/e"), 200, f.response("expires", HttpDates.format(T0 + 90_000)), "x");
        f.clock.advanceSeconds(89);
        assertThat(f.cache.lookup(get("/e"))).isInstanceOf(LookupResult.Hit.class);
        f.clock.advanceSeconds(1);
        assertThat(f.cache.lookup(get("/e"))).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void heuristicFreshnessEndToEnd() {
        CacheFixture f = new CacheFixture(SETTINGS);
        f.fill(get("/h"), 200, f.response("last-modified", HttpDates.format(T0 - 200_000)), "x");
        f.clock.advanceSeconds(19);
        assertThat(hit(f.cache.lookup(get("/h"))).cacheStatus()).isEqualTo("edgespot; hit; ttl=1");
        f.clock.advanceSeconds(1);
        assertThat(f.cache.lookup(get("/h"))).isInstanceOf(LookupResult.Revalidate.class);
    }
}
