package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.CachedBody;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.HttpFields;
import io.edgespot.cache.LookupResult;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.cache.TenantSettings;
import io.edgespot.crypto.TenantKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A real {@link HttpCache} on a same-thread executor with one tenant sealed by {@link TenantEntrySealer}. */
final class GlueCache {
    static final String TENANT = "acme";
    static final String HOST = "shop.acme.test";

    final TenantEntrySealer sealer;
    final HttpCache cache;

    GlueCache() {
        this(TenantKeys.generate(TENANT));
    }

    GlueCache(TenantKeys keys) {
        sealer = TenantEntrySealer.of(keys);
        cache = HttpCache.builder().executor(Runnable::run).build();
        cache.registerTenant(keys.tenant(), TenantSettings.defaults(), sealer);
    }

    static CacheRequest get(String path) {
        return CacheRequest.get(TENANT, "https", HOST, path);
    }

    /** Looks {@code path} up, which must miss, and reports a cacheable 200 without Content-Length. */
    BodyCollector storeCollector(String path) {
        LookupResult miss = cache.lookup(get(path));
        assertThat(miss).isInstanceOf(LookupResult.Miss.class);
        ResponseDecision decision = cache.onResponse(((LookupResult.Miss) miss).exchange(), 200,
                HttpFields.of("cache-control", "max-age=60"));
        assertThat(decision).isInstanceOf(ResponseDecision.Store.class);
        return ((ResponseDecision.Store) decision).collector();
    }

    /** Stores a cacheable 200 with {@code body} through lookup, onResponse and the collector. */
    static void store(HttpCache cache, CacheRequest request, String body) {
        LookupResult miss = cache.lookup(request);
        assertThat(miss).isInstanceOf(LookupResult.Miss.class);
        ResponseDecision decision = cache.onResponse(((LookupResult.Miss) miss).exchange(), 200,
                HttpFields.of("cache-control", "max-age=60"));
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        collector.append(body.getBytes(StandardCharsets.US_ASCII));
        assertThat(collector.complete()).isTrue();
    }

    /** Stores a cacheable 200 with {@code body} under {@code path}. */
    void store(String path, String body) {
        store(cache, get(path), body);
    }

    /** Looks {@code path} up, which must hit, and returns its body. */
    CachedBody hitBody(String path) {
        LookupResult hit = cache.lookup(get(path));
        assertThat(hit).isInstanceOf(LookupResult.Hit.class);
        return ((LookupResult.Hit) hit).body();
    }

    /** Looks {@code path} up, which must hit, and returns the whole body as ASCII, opened into heap buffers. */
    String storedBody(String path) {
        CachedBody body = hitBody(path);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.segmentCount(); i++) {
            ByteBuffer dst = ByteBuffer.allocate(body.segmentCapacity(i));
            out.write(dst.array(), 0, body.openSegment(i, dst));
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
