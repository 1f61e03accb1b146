package io.edgespot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the cache's parsers and its response-policy decisions with arbitrary header fields.
 *
 * <ul>
 *   <li>{@link #directives}: {@link CacheControl}, {@link HttpDates}, {@link VaryKey} and the request directives on
 *       arbitrary field values: no exception, delta-seconds in their documented range.</li>
 *   <li>{@link #responses}: a request and an origin response (status and fields) go through a real cache (fake
 *       clock, AES-GCM sealer): lookup, the store-or-pass decision, storing the body, time passing, a second lookup
 *       and a 304 revalidation or an origin error. No exception other than the documented ones, and every response
 *       served from the cache has the stored status and exactly the stored body.</li>
 * </ul>
 * Input format of {@code responses}, readable in the seed files: {@code METHOD PATH} and request fields, an empty
 * line, {@code STATUS [SECONDS [error]]} and response fields, an empty line, the body. {@code SECONDS} is how long
 * passes before the second lookup; {@code error} makes the origin fail instead of answering 304.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpora in
 * {@code src/test/resources/io/edgespot/cache/CacheFuzzTestInputs/}.
 */
class CacheFuzzTest {

    private static final TenantSettings SETTINGS = TenantSettings.builder().maxBytes(1 << 20)
            .maxObjectBytes(8 << 10).build();

    @FuzzTest(maxDuration = "20s")
    void directives(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        List<String> lines = Arrays.asList(text.split("\n", -1));
        CacheControl cc = CacheControl.parse(lines);
        for (String d : List.of("max-age", "s-maxage", "min-fresh", "stale-while-revalidate", "stale-if-error")) {
            long v = cc.seconds(d);
            assertThat(v == CacheControl.ABSENT || v >= 0 && v <= 1L << 31).as("%s=%s", d, v).isTrue();
        }
        long maxStale = cc.maxStale();
        assertThat(maxStale == CacheControl.ABSENT || maxStale == Long.MAX_VALUE || maxStale >= 0 && maxStale <= 1L << 31)
                .as("max-stale %s", maxStale).isTrue();
        cc.noStore();
        cc.noCache();
        cc.isPrivate();
        cc.isPublic();
        cc.mustRevalidate();
        cc.proxyRevalidate();
        cc.onlyIfCached();
        assertThat(cc.toString()).isNotNull();
        assertThat(CacheControl.parseDelta(text)).isBetween(0L, 1L << 31);

        HttpFields fields = HttpFields.builder().add("cache-control", text).add("pragma", text).add("vary", text)
                .build();
        Lookups.requestControl(fields);
        List<String> vary = VaryKey.names(fields);
        VaryKey.of(new byte[] {1, 2}, vary, fields);
        VaryKey.normalise("accept-encoding", lines);
        ResponsePolicy.of(fields).control();

        for (String line : lines) {
            long date = HttpDates.parse(line);
            if (date != HttpDates.INVALID) {
                // A date that parses formats and parses back to the same second.
                assertThat(HttpDates.parse(HttpDates.format(date))).as("round trip of %s", line)
                        .isEqualTo(Math.floorDiv(date, 1000) * 1000);
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void responses(byte[] input) {
        String[] parts = new String(input, StandardCharsets.ISO_8859_1).split("\n\n", 3);
        String[] request = parts[0].split("\n", -1);
        String[] response = parts.length > 1 ? parts[1].split("\n", -1) : new String[] {"200"};
        byte[] body = parts.length > 2 ? parts[2].getBytes(StandardCharsets.ISO_8859_1) : new byte[0];

        String[] requestLine = request[0].split(" ", 2);
        String method = requestLine[0].isEmpty() ? "GET" : requestLine[0];
        String path = requestLine.length > 1 ? requestLine[1] : "/";
        String[] statusLine = response[0].trim().split(" +");
        int status = number(statusLine[0], 200);
        long advance = statusLine.length > 1 ? number(statusLine[1], 0) : 0;
        boolean originError = statusLine.length > 2 && statusLine[2].equals("error");

        CacheFixture f = new CacheFixture(SETTINGS, 1024);
        CacheRequest req = new CacheRequest(CacheFixture.TENANT, method, "https", CacheFixture.HOST, path,
                fields(request));
        HttpFields headers = fields(response);

        Stored stored = new Stored();
        LookupResult first = f.cache.lookup(req);
        CacheExchange exchange = forwarded(first);
        if (exchange == null) {
            assertThat(first).isInstanceOf(LookupResult.OnlyIfCachedMiss.class);
            return;
        }
        ResponseDecision decision = f.cache.onResponse(exchange, status, headers);
        checkDecision(decision, body, status, stored);

        f.clock.advanceSeconds(advance);
        LookupResult second = f.cache.lookup(req);
        if (second instanceof LookupResult.Hit hit) {
            checkServed(hit, stored);
        } else if (second instanceof LookupResult.Stale stale) {
            checkServed(stale.response(), stored);
            stale.refresh().ifPresent(refresh -> checkDecision(f.cache.onResponse(refresh, 304, headers), body,
                    stored.status, new Stored()));
        } else if (second instanceof LookupResult.Coalesced) {
            throw new AssertionError("nothing else is in flight, so nothing can be joined");
        } else if (forwarded(second) != null) {
            CacheExchange again = forwarded(second);
            assertThat(again.conditionalHeaders().isEmpty() || stored.status != 0)
                    .as("only a stored response has validators to send").isTrue();
            ResponseDecision revalidated = originError ? f.cache.onError(again)
                    : f.cache.onResponse(again, 304, headers);
            if (revalidated instanceof ResponseDecision.Serve serve) {
                checkServed(serve.response(), stored);
            } else {
                checkDecision(revalidated, body, 304, new Stored());
            }
        }
        f.scheduler.runAll();
        TenantStats stats = f.cache.stats(CacheFixture.TENANT).orElseThrow();
        assertThat(stats.bytes()).isBetween(0L, SETTINGS.maxBytes());
        assertThat(f.cache.purgeUrl(CacheFixture.TENANT, "https", CacheFixture.HOST, path, PurgeMode.HARD))
                .isNotNegative();
        assertThat(f.cache.purgeTag(CacheFixture.TENANT, path, PurgeMode.SOFT)).isNotNegative();
    }

    /** What was stored in the first exchange, to compare with what is served later. */
    private static final class Stored {
        int status;
        byte[] body;
    }

    private static CacheExchange forwarded(LookupResult result) {
        if (result instanceof LookupResult.Miss m) {
            return m.exchange();
        }
        if (result instanceof LookupResult.Revalidate r) {
            return r.exchange();
        }
        if (result instanceof LookupResult.Bypass b) {
            return b.exchange();
        }
        return null;
    }

    private static void checkDecision(ResponseDecision decision, byte[] body, int status, Stored stored) {
        assertThat(decision.cacheStatus()).as("Cache-Status").startsWith("edgespot; ");
        if (decision instanceof ResponseDecision.Store store) {
            assertThat(store.cacheStatus()).contains("; stored");
            assertThat(store.stripHeaders()).allMatch(ResponsePolicy.CACHE_ONLY_FIELDS::contains);
            // Delivered in uneven chunks, as the network would.
            for (int i = 0; i < body.length; i += 700) {
                store.collector().append(body, i, Math.min(700, body.length - i));
            }
            if (store.collector().complete()) {
                stored.status = status;
                stored.body = body;
            }
        } else if (decision instanceof ResponseDecision.Pass pass) {
            assertThat(pass.stripHeaders()).allMatch(ResponsePolicy.CACHE_ONLY_FIELDS::contains);
        }
    }

    private static void checkServed(LookupResult.Hit hit, Stored stored) {
        assertThat(stored.body).as("served from the cache without having stored anything").isNotNull();
        assertThat(hit.status()).as("served status").isEqualTo(stored.status);
        assertThat(CacheFixture.bytes(hit.body())).as("served body").isEqualTo(stored.body);
        assertThat(hit.body().length()).isEqualTo(stored.body.length);
        assertThat(hit.cacheStatus()).startsWith("edgespot; ");
    }

    private static HttpFields fields(String[] lines) {
        HttpFields.Builder b = HttpFields.builder();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                b.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
        }
        return b.build();
    }

    private static int number(String s, int dflt) {
        try {
            return Math.max(0, Math.min(Integer.parseInt(s), 100_000_000));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
