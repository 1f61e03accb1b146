package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CachedBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class CacheBodiesTest {

    @Test
    void openSegment_opensOnlyTheAskedSegmentIntoADirectBuffer() {
        CountingBody body = new CountingBody(List.of(bytes(3, 'a'), bytes(2, 'b'), bytes(4, 'c')));

        ByteBuf second = CacheBodies.openSegment(body, 1, ByteBufAllocator.DEFAULT);
        try {
            assertThat(body.opened.get()).isEqualTo(1);
            assertThat(second.isDirect()).isTrue();
            assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("bb");
        } finally {
            second.release();
        }
        ByteBuf last = CacheBodies.openSegment(body, 2, ByteBufAllocator.DEFAULT);
        assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("cccc");
        last.release();
        assertThat(body.opened.get()).isEqualTo(2);
    }

    @Test
    void openSegment_ofARealSealedBodyMatchesWhatWasStored() {
        GlueCache fixture = new GlueCache();
        String stored = "s".repeat(70_000);
        fixture.store("/large", stored);
        CachedBody body = fixture.hitBody("/large");

        StringBuilder opened = new StringBuilder();
        for (int i = 0; i < body.segmentCount(); i++) {
            ByteBuf segment = CacheBodies.openSegment(body, i, ByteBufAllocator.DEFAULT);
            opened.append(segment.toString(StandardCharsets.US_ASCII));
            segment.release();
        }

        assertThat(body.segmentCount()).isEqualTo(2);
        assertThat(opened.toString()).isEqualTo(stored);
    }

    @Test
    void openSegment_thatFailsToOpenHoldsNoBuffer() {
        CachedBody corrupt = new CountingBody(List.of(bytes(8, 'x'))) {
            @Override
            public int openSegment(int index, ByteBuffer dst) {
                dst.put((byte) 'x');
                throw new IllegalStateException("segment failed to open");
            }
        };
        ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

        assertThatThrownBy(() -> CacheBodies.openSegment(corrupt, 0, allocator))
                .isInstanceOf(IllegalStateException.class);
        // The testkit's leak gate (paranoid detection) fails the run if the buffer was not released.
    }

    @Test
    void empty_hasNoSegments() {
        assertThat(CachedBody.EMPTY.length()).isZero();
        assertThat(CachedBody.EMPTY.segmentCount()).isZero();
    }

    @Test
    void append_feedsHeapDirectAndCompositeBuffersWithoutMovingThem() {
        GlueCache fixture = new GlueCache();
        BodyCollector collector = fixture.storeCollector("/feed");
        ByteBuf heap = Unpooled.wrappedBuffer(bytes(6, 'h'));
        heap.readerIndex(2);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(8).writeBytes(bytes(5, 'd'));
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(bytes(2, 'c')))
                .addComponent(true, ByteBufAllocator.DEFAULT.directBuffer(4).writeBytes(bytes(3, 'e')));
        try {
            assertThat(CacheBodies.append(collector, heap)).isTrue();
            assertThat(CacheBodies.append(collector, direct)).isTrue();
            assertThat(CacheBodies.append(collector, composite)).isTrue();
            assertThat(CacheBodies.append(collector, Unpooled.EMPTY_BUFFER)).isTrue();

            assertThat(heap.readerIndex()).isEqualTo(2);
            assertThat(direct.readerIndex()).isZero();
            assertThat(composite.readableBytes()).isEqualTo(5);
            assertThat(heap.refCnt()).isEqualTo(1);
            assertThat(collector.bytesCollected()).isEqualTo(4 + 5 + 5);
            assertThat(collector.complete()).isTrue();
            assertThat(fixture.storedBody("/feed")).isEqualTo("hhhhdddddcceee");
        } finally {
            heap.release();
            direct.release();
            composite.release();
        }
    }

    @Test
    void append_reportsWhenTheCollectorGaveUp() {
        BodyCollector collector = new GlueCache().storeCollector("/abort");
        collector.abort();
        ByteBuf chunk = Unpooled.wrappedBuffer(bytes(3, 'z'));

        assertThat(CacheBodies.append(collector, chunk)).isFalse();
        assertThat(chunk.readerIndex()).isZero();
    }

    static byte[] bytes(int length, char c) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    /** A body over plain segments that counts how many were handed out, as a decrypting body would open them. */
    static class CountingBody implements CachedBody {
        final List<byte[]> segments;
        final AtomicInteger opened = new AtomicInteger();

        CountingBody(List<byte[]> segments) {
            this.segments = segments;
        }

        @Override
        public long length() {
            return segments.stream().mapToLong(s -> s.length).sum();
        }

        @Override
        public int segmentCount() {
            return segments.size();
        }

        @Override
        public int segmentCapacity(int index) {
            return segments.get(index).length;
        }

        @Override
        public int openSegment(int index, ByteBuffer dst) {
            opened.incrementAndGet();
            dst.put(segments.get(index));
            return segments.get(index).length;
        }
    }
}
