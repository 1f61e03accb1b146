package io.edgespot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A cache with a fake clock, a same-thread executor and a manual scheduler, plus request/response helpers. */
final class CacheFixture {
    static final long T0 = 1_735_689_600_000L;
    static final String TENANT = "acme";
    static final String HOST = "www.acme.example";

    final FakeClock clock = new FakeClock(T0);
    final ManualScheduler scheduler = new ManualScheduler();
    final RecordingListener listener = new RecordingListener();
    final AesGcmSealer sealer = AesGcmSealer.random();
    final HttpCache cache;

    CacheFixture() {
        this(TenantSettings.defaults());
    }

    CacheFixture(TenantSettings settings) {
        this(settings, HttpCacheBuilder.DEFAULT_SEGMENT_SIZE);
    }

    CacheFixture(TenantSettings settings, int segmentSize) {
        cache = HttpCache.builder().clock(clock).executor(Runnable::run).scheduler(scheduler).listener(listener)
                .segmentSize(segmentSize).build();
        cache.registerTenant(TENANT, settings, sealer);
    }

    static CacheRequest get(String path, String... headers) {
        return new CacheRequest(TENANT, "GET", "https", HOST, path, HttpFields.of(headers));
    }

    static CacheRequest request(String method, String path, String... headers) {
        return new CacheRequest(TENANT, method, "https", HOST, path, HttpFields.of(headers));
    }

    String now() {
        return HttpDates.format(clock.currentTimeMillis());
    }

    /** Returns response headers with a Date of now plus the given fields. */
    HttpFields response(String... headers) {
        HttpFields given = HttpFields.of(headers);
        return given.contains("date") ? given : given.toBuilder().add("date", now()).build();
    }

    TenantStore store() {
        return ((DefaultHttpCache) cache).store(TENANT);
    }

    /** Looks the request up; it must be forwarded; answers it with the given response (stored when allowed). */
    ResponseDecision fill(CacheRequest request, int status, HttpFields headers, String body) {
        return respond(exchange(cache.lookup(request)), status, headers, body);
    }

    ResponseDecision respond(CacheExchange exchange, int status, HttpFields headers, String body) {
        return respond(exchange, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    ResponseDecision respond(CacheExchange exchange, int status, HttpFields headers, byte[] body) {
        ResponseDecision decision = cache.onResponse(exchange, status, headers);
        if (decision instanceof ResponseDecision.Store store) {
            store.collector().append(body);
            assertThat(store.collector().complete()).as("stored").isTrue();
        }
        return decision;
    }

    static CacheExchange exchange(LookupResult result) {
        if (result instanceof LookupResult.Miss miss) {
            return miss.exchange();
        }
        if (result instanceof LookupResult.Revalidate revalidate) {
            return revalidate.exchange();
        }
        if (result instanceof LookupResult.Bypass bypass) {
            return bypass.exchange();
        }
        return fail("expected a forward but got " + result);
    }

    static LookupResult.Hit hit(LookupResult result) {
        assertThat(result).isInstanceOf(LookupResult.Hit.class);
        return (LookupResult.Hit) result;
    }

    static String body(LookupResult.Hit hit) {
        return new String(bytes(hit.body()), StandardCharsets.UTF_8);
    }

    static byte[] bytes(CachedBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.segmentCount(); i++) {
            out.writeBytes(segment(body, i));
        }
        return out.toByteArray();
    }

    /** Opens one segment into a heap buffer of exactly the capacity the body asks for. */
    static byte[] segment(CachedBody body, int index) {
        ByteBuffer dst = ByteBuffer.allocate(body.segmentCapacity(index));
        int length = body.openSegment(index, dst);
        assertThat(dst.position()).isEqualTo(length);
        return Arrays.copyOf(dst.array(), length);
    }

    static String cacheStatus(ResponseDecision decision) {
        return decision.cacheStatus();
    }
}
