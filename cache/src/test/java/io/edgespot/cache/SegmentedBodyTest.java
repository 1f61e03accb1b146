package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Large bodies are sealed in segments and streamed back one segment at a time. */
final class SegmentedBodyTest {

    @Test
    void oneMebibyteRoundTripStreamsSegmentBySegment() {
        CacheFixture f = new CacheFixture();
        byte[] body = new byte[1 << 20];
        new Random(42).nextBytes(body);
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(f.cache.lookup(get("/big"))), 200,
                f.response("cache-control", "max-age=60", "content-length", Integer.toString(body.length)));
        BodyCollector collector = ((ResponseDecision.Store) decision).collector();
        for (int offset = 0; offset < body.length; offset += 10_007) {
            assertThat(collector.append(ByteBuffer.wrap(body, offset, Math.min(10_007, body.length - offset))))
                    .isTrue();
        }
        assertThat(collector.bytesCollected()).isEqualTo(body.length);
        assertThat(collector.complete()).isTrue();
        StoredVariant stored = f.store().asMap().values().iterator().next().variants().get(0);
        assertThat(stored.sealedSegments()).hasSize(16);
        assertThat(stored.bodyLength()).isEqualTo(body.length);

        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/big")));
        long opensAfterLookup = f.sealer.opens.get();
        assertThat(hit.body().segmentCount()).isEqualTo(16);
        assertThat(f.sealer.opens.get()).as("no segment opened before it is asked for").isEqualTo(opensAfterLookup);
        assertThat(CacheFixture.segment(hit.body(), 0)).isEqualTo(Arrays.copyOf(body, 64 * 1024));
        assertThat(f.sealer.opens.get()).isEqualTo(opensAfterLookup + 1);
        assertThat(CacheFixture.segment(hit.body(), 15)).isEqualTo(Arrays.copyOfRange(body, 15 * 64 * 1024,
                body.length));
        assertThat(f.sealer.opens.get()).isEqualTo(opensAfterLookup + 2);
        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BodyCollector.INLINE_LIMIT})
    void smallBodyComesWithTheHead(int size) {
        CacheFixture f = new CacheFixture();
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        f.respond(CacheFixture.exchange(f.cache.lookup(get("/s"))), 200, f.response("cache-control", "max-age=60"),
                body);

        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/s")));
        long opensAfterLookup = f.sealer.opens.get();

        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(body);
        assertThat(hit.body().segmentCount()).isEqualTo(size == 0 ? 0 : 1);
        assertThat(f.sealer.opens.get()).as("the body was opened with the head").isEqualTo(opensAfterLookup);
        assertThat(f.store().asMap().values().iterator().next().variants().get(0).sealedSegments()).isEmpty();
    }

    @Test
    void bodyAboveTheInlineLimitIsSealedApartAndOpenedOnDemand() {
        CacheFixture f = new CacheFixture();
        byte[] body = new byte[BodyCollector.INLINE_LIMIT + 1];
        new Random(7).nextBytes(body);
        f.respond(CacheFixture.exchange(f.cache.lookup(get("/m"))), 200, f.response("cache-control", "max-age=60"),
                body);

        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/m")));
        long opensAfterLookup = f.sealer.opens.get();

        assertThat(hit.body().segmentCount()).isEqualTo(1);
        assertThat(hit.body().segmentCapacity(0)).isGreaterThanOrEqualTo(body.length);
        assertThat(CacheFixture.segment(hit.body(), 0)).isEqualTo(body);
        assertThat(f.sealer.opens.get()).isEqualTo(opensAfterLookup + 1);
        assertThat(f.store().asMap().values().iterator().next().variants().get(0).sealedSegments()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1023, 1024, 1025, 4096, 5000})
    void boundarySizesRoundTrip(int size) {
        CacheFixture f = new CacheFixture(TenantSettings.defaults(), 1024);
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        f.respond(CacheFixture.exchange(f.cache.lookup(get("/b"))), 200, f.response("cache-control", "max-age=60"),
                body);
        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/b")));
        assertThat(hit.body().length()).isEqualTo(size);
        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(body);
        StoredVariant stored = f.store().asMap().values().iterator().next().variants().get(0);
        assertThat(stored.sealedSegments()).hasSize(size <= 1024 ? 0 : (size + 1023) / 1024);
    }
}
