package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Iterator;
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
        assertThat(stored.sealedSegments()).hasSize(15);
        assertThat(stored.bodyLength()).isEqualTo(body.length);

        LookupResult.Hit hit = CacheFixture.hit(f.cache.lookup(get("/big")));
        long opensAfterLookup = f.sealer.opens.get();
        Iterator<byte[]> segments = hit.body().segments();
        byte[] first = segments.next();
        assertThat(first).hasSize(64 * 1024);
        assertThat(f.sealer.opens.get()).as("first segment came with the head").isEqualTo(opensAfterLookup);
        segments.next();
        assertThat(f.sealer.opens.get()).isEqualTo(opensAfterLookup + 1);
        assertThat(CacheFixture.bytes(hit.body())).isEqualTo(body);
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
        assertThat(stored.sealedSegments()).hasSize(Math.max(0, (size - 1) / 1024));
    }
}
