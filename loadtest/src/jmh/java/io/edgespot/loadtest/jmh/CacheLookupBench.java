package io.edgespot.loadtest.jmh;

import io.edgespot.cache.CacheExchange;
import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.HttpFields;
import io.edgespot.cache.LookupResult;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.cache.TenantSettings;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.cache.TenantEntrySealer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link HttpCache#lookup} on a warm cache through the public API, sealed under a real tenant keyset
 * ({@link TenantEntrySealer} over {@link TenantKeys}).
 *
 * <p>1024 URLs are stored with a 1 KiB body and {@code max-age=3600}; half of them carry {@code Vary:
 * Accept-Encoding}. A lookup builds the primary key, tags it with the tenant's PRF (HMAC-SHA256), finds the variant
 * group in Caffeine, builds the Vary key and tags it, checks freshness, and on a hit opens the sealed head (headers
 * and the first body segment, AES256-GCM) and assembles the response headers. A miss stops after the group lookup
 * and opens an exchange, which the benchmark abandons again so that the next miss does not coalesce onto it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CacheLookupBench {
    private static final String TENANT = "bench-tenant";
    private static final String HOST = "www.example.com";
    private static final int URLS = 1024;

    private HttpCache cache;
    private CacheRequest[] plain;
    private CacheRequest[] varied;
    private CacheRequest[] absent;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        cache = HttpCache.builder().executor(Runnable::run).build();
        cache.registerTenant(TENANT, TenantSettings.defaults(), TenantEntrySealer.of(TenantKeys.generate(TENANT)));
        HttpFields requestHeaders = HttpFields.of("accept", "*/*", "accept-encoding", "gzip, deflate, br",
                "user-agent", "bench/1.0");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        byte[] body = new byte[1024];
        plain = new CacheRequest[URLS];
        varied = new CacheRequest[URLS];
        absent = new CacheRequest[URLS];
        for (int i = 0; i < URLS; i++) {
            plain[i] = new CacheRequest(TENANT, "GET", "https", HOST, "/assets/plain/" + i + ".js?v=3",
                    requestHeaders);
            varied[i] = new CacheRequest(TENANT, "GET", "https", HOST, "/assets/varied/" + i + ".css",
                    requestHeaders);
            absent[i] = new CacheRequest(TENANT, "GET", "https", HOST, "/never/stored/" + i, requestHeaders);
            store(plain[i], HttpFields.of("date", date, "cache-control", "max-age=3600",
                    "content-type", "application/javascript", "content-length", "1024", "etag", "\"p" + i + "\""),
                    body);
            store(varied[i], HttpFields.of("date", date, "cache-control", "max-age=3600", "content-type", "text/css",
                    "content-length", "1024", "vary", "Accept-Encoding", "etag", "\"v" + i + "\""), body);
        }
        for (CacheRequest request : plain) {
            if (!(cache.lookup(request) instanceof LookupResult.Hit)) {
                throw new IllegalStateException("setup: a stored URL did not hit");
            }
        }
    }

    private void store(CacheRequest request, HttpFields responseHeaders, byte[] body) {
        LookupResult result = cache.lookup(request);
        if (!(result instanceof LookupResult.Miss miss)) {
            throw new IllegalStateException("setup: expected a miss, got " + result.getClass().getSimpleName());
        }
        ResponseDecision decision = cache.onResponse(miss.exchange(), 200, responseHeaders);
        if (!(decision instanceof ResponseDecision.Store store)) {
            throw new IllegalStateException("setup: response not stored: " + decision.cacheStatus());
        }
        store.collector().append(body);
        if (!store.collector().complete()) {
            throw new IllegalStateException("setup: body not stored");
        }
    }

    private int nextIndex() {
        next = (next + 1) & (URLS - 1);
        return next;
    }

    @Benchmark
    public LookupResult hit() {
        return cache.lookup(plain[nextIndex()]);
    }

    @Benchmark
    public LookupResult hitVary() {
        return cache.lookup(varied[nextIndex()]);
    }

    @Benchmark
    public LookupResult miss() {
        LookupResult result = cache.lookup(absent[nextIndex()]);
        if (result instanceof LookupResult.Miss miss) {
            CacheExchange exchange = miss.exchange();
            cache.abandon(exchange);
        }
        return result;
    }
}
