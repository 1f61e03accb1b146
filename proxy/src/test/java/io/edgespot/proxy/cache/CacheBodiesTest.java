package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CachedBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class CacheBodiesTest {

    @Test
    void chunks_readOneSegmentPerChunkOnlyWhenAsked() throws Exception {
        CountingBody body = new CountingBody(List.of(bytes(3, 'a'), bytes(2, 'b'), bytes(4, 'c')));
        ChunkedInput<ByteBuf> input = CacheBodies.chunks(body);

        assertThat(input.length()).isEqualTo(9);
        assertThat(body.opened.get()).as("nothing decrypted before the first read").isZero();
        ByteBuf first = input.readChunk(ByteBufAllocator.DEFAULT);
        assertThat(body.opened.get()).isEqualTo(1);
        assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("aaa");
        assertThat(input.progress()).isEqualTo(3);
        assertThat(input.isEndOfInput()).isFalse();
        first.release();

        input.readChunk(ByteBufAllocator.DEFAULT).release();
        input.readChunk(ByteBufAllocator.DEFAULT).release();
        assertThat(input.isEndOfInput()).isTrue();
        assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
        assertThat(input.progress()).isEqualTo(9);
    }

    @Test
    void httpChunks_writeContentPerSegmentThenLastContent() throws Exception {
        CountingBody body = new CountingBody(List.of(bytes(5, 'x'), bytes(1, 'y')));
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler());

        channel.writeAndFlush(CacheBodies.httpChunks(body)).syncUninterruptibly();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int contents = 0;
        boolean last = false;
        for (Object message; (message = channel.readOutbound()) != null; ) {
            HttpContent content = (HttpContent) message;
            content.content().readBytes(out, content.content().readableBytes()).release();
            contents++;
            last = content instanceof LastHttpContent;
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("xxxxxy");
        assertThat(contents).isEqualTo(3);
        assertThat(last).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void httpChunks_ofAnEmptyBodyWriteOnlyLastContent() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler());

        channel.writeAndFlush(CacheBodies.httpChunks(new CountingBody(List.of()))).syncUninterruptibly();

        Object message = channel.readOutbound();
        assertThat(message).isInstanceOf(LastHttpContent.class);
        assertThat(((LastHttpContent) message).content().readableBytes()).isZero();
        Object next = channel.readOutbound();
        assertThat(next).isNull();
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
    static final class CountingBody implements CachedBody {
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
        public Iterator<byte[]> segments() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < segments.size();
                }

                @Override
                public byte[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    opened.incrementAndGet();
                    return segments.get(next++);
                }
            };
        }
    }
}
