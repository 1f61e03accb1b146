package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.CachedBody;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.LookupResult;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.cache.TenantSettings;
import io.edgespot.crypto.TenantKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The proxy's documented call sequence against a real cache sealed with a tenant's Tink keys. */
final class CacheGlueTest {
    private static final int SEGMENT = 64 * 1024;

    private final CountingSealer sealer = new CountingSealer(TenantEntrySealer.of(TenantKeys.generate("acme")));
    private final HttpCache cache = HttpCache.builder().executor(Runnable::run).build();

    CacheGlueTest() {
        cache.registerTenant("acme", TenantSettings.defaults(), sealer);
    }

    @Test
    void missIsStoredFromNettyChunksAndServedBackAsHitSegmentBySegment() throws Exception {
        byte[] body = new byte[3 * SEGMENT + 1234];
        new Random(7).nextBytes(body);
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/assets/app.js?v=3");
        request.headers().add("Host", "shop.acme.test").add("Accept-Encoding", "gzip");
        CacheRequest cacheRequest = NettyFields.request(request, "acme", "https", "shop.acme.test");

        LookupResult first = cache.lookup(cacheRequest);
        assertThat(first).isInstanceOf(LookupResult.Miss.class);
        HttpResponse origin = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        origin.headers().add("Content-Type", "application/javascript").add("Cache-Control", "max-age=300")
                .add("Content-Length", body.length).add("ETag", "\"v3\"").add("Vary", "Accept-Encoding");
        ResponseDecision decision = cache.onResponse(((LookupResult.Miss) first).exchange(), 200,
                NettyFields.from(origin.headers()));
        assertThat(decision).isInstanceOf(ResponseDecision.Store.class);
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        for (int offset = 0; offset < body.length; offset += 8192) {
            // Upstream chunks as the event loop delivers them: pooled direct buffers.
            ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(8192)
                    .writeBytes(body, offset, Math.min(8192, body.length - offset));
            try {
                assertThat(CacheBodies.append(collector, chunk)).isTrue();
                assertThat(chunk.readerIndex()).isZero();
            } finally {
                chunk.release();
            }
        }
        assertThat(collector.complete()).isTrue();
        assertThat(cache.stats("acme").orElseThrow().stores()).isEqualTo(1);

        int opensBefore = sealer.opens.get();
        LookupResult second = cache.lookup(cacheRequest);
        assertThat(second).isInstanceOf(LookupResult.Hit.class);
        LookupResult.Hit hit = (LookupResult.Hit) second;
        assertThat(sealer.opens.get() - opensBefore).as("a large body is not opened with the head").isEqualTo(1);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(hit.status()));
        NettyFields.copyInto(hit.headers(), response.headers());
        assertThat(response.headers().get("content-type")).isEqualTo("application/javascript");
        assertThat(response.headers().get("ETag")).isEqualTo("\"v3\"");
        assertThat(response.headers().get("Cache-Status")).startsWith("edgespot; hit");

        CachedBody cached = hit.body();
        assertThat(cached.segmentCount()).isEqualTo(4);
        ByteArrayOutputStream served = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < cached.segmentCount(); i++) {
            ByteBuf segment = CacheBodies.openSegment(cached, i, ByteBufAllocator.DEFAULT);
            assertThat(sealer.opens.get() - opensBefore).as("segments open one at a time").isEqualTo(2 + i);
            assertThat(segment.isDirect()).isTrue();
            sizes.add(segment.readableBytes());
            segment.readBytes(served, segment.readableBytes());
            segment.release();
        }
        assertThat(served.toByteArray()).isEqualTo(body);
        assertThat(sizes).containsExactly(SEGMENT, SEGMENT, SEGMENT, 1234);
    }

    @Test
    void anotherTenantDoesNotSeeTheEntry() {
        TenantEntrySealer globex = TenantEntrySealer.of(TenantKeys.generate("globex"));
        cache.registerTenant("globex", TenantSettings.defaults(), globex);
        GlueCache.store(cache, CacheRequest.get("acme", "https", "shop.test", "/p"), "acme body");

        assertThat(cache.lookup(CacheRequest.get("globex", "https", "shop.test", "/p")))
                .isInstanceOf(LookupResult.Miss.class);
        assertThat(cache.lookup(CacheRequest.get("acme", "https", "shop.test", "/p")))
                .isInstanceOf(LookupResult.Hit.class);
    }

    @Test
    void reRegisteringUnderAnotherKeysetDropsTheEntries() {
        GlueCache.store(cache, CacheRequest.get("acme", "https", "shop.test", "/p"), "acme body");
        String before = sealer.keysetId();

        cache.registerTenant("acme", TenantSettings.defaults(), sealer);
        assertThat(cache.lookup(CacheRequest.get("acme", "https", "shop.test", "/p")))
                .as("same keyset id keeps entries").isInstanceOf(LookupResult.Hit.class);

        TenantEntrySealer other = TenantEntrySealer.of(TenantKeys.generate("acme"));
        assertThat(other.keysetId()).isNotEqualTo(before);
        cache.registerTenant("acme", TenantSettings.defaults(), other);
        assertThat(cache.lookup(CacheRequest.get("acme", "https", "shop.test", "/p")))
                .isInstanceOf(LookupResult.Miss.class);
    }
}
