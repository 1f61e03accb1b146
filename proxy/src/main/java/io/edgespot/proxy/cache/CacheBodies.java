package io.edgespot.proxy.cache;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheIntegrityException;
import io.edgespot.cache.CachedBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.stream.ChunkedInput;
import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * Moves bodies between Netty buffers and the cache: a {@link CachedBody} out as buffers, one decrypted segment at
 * a time, and upstream body chunks into a {@link BodyCollector} without copying them.
 *
 * <p>Out: {@link #chunks} and {@link #httpChunks} are {@link ChunkedInput}s for Netty's {@code ChunkedWriteHandler}
 * (or {@code Http2DataChunkedInput}). The handler asks for the next chunk only while the channel is writable, so
 * a segment is decrypted only when the client can take it, and the first bytes leave before the last segment is
 * opened. Each chunk wraps the decrypted segment without copying it.
 *
 * <p>A segment that fails authentication makes the read throw {@link CacheIntegrityException}: the write of the
 * chunked input then fails with it, after the status and headers may already have gone out, so the proxy must
 * reset the stream or close the connection rather than end the response normally.
 *
 * <p>Stateless; each input returned is used by one channel.
 */
public final class CacheBodies {
    private CacheBodies() {
    }

    /**
     * Returns the body as a chunked input of buffers, one per segment.
     *
     * @param body the cached body, e.g. from a {@code LookupResult.Hit}
     * @return a chunked input that decrypts each segment when it is read
     */
    public static ChunkedInput<ByteBuf> chunks(CachedBody body) {
        return new SegmentInput(body);
    }

    /**
     * Returns the body as HTTP/1.1 content: one {@code HttpContent} per segment, then a {@code LastHttpContent}.
     *
     * @param body the cached body
     * @return a chunked input to write after the response head
     */
    public static HttpChunkedInput httpChunks(CachedBody body) {
        return new HttpChunkedInput(chunks(body));
    }

    /**
     * Appends the readable bytes of an upstream body chunk to a collector.
     *
     * <p>Neither the reader index nor the reference count of {@code chunk} changes, so the same buffer can then be
     * written downstream. The bytes are handed over through NIO views of the buffer's memory; only a buffer without
     * NIO views is copied.
     *
     * @param collector the collector of a {@code ResponseDecision.Store}
     * @param chunk an upstream body chunk
     * @return false once the collector has given up storing, so the caller can stop feeding it
     */
    public static boolean append(BodyCollector collector, ByteBuf chunk) {
        int index = chunk.readerIndex();
        int length = chunk.readableBytes();
        int views = chunk.nioBufferCount();
        if (views == 1) {
            return collector.append(chunk.nioBuffer(index, length));
        }
        if (views > 1) {
            for (ByteBuffer view : chunk.nioBuffers(index, length)) {
                if (!collector.append(view)) {
                    return false;
                }
            }
            return true;
        }
        byte[] copy = new byte[length];
        chunk.getBytes(index, copy);
        return collector.append(copy);
    }

    /** Reads a cached body segment by segment; the segment's plaintext array becomes the chunk's memory. */
    private static final class SegmentInput implements ChunkedInput<ByteBuf> {
        private final long length;
        private final Iterator<byte[]> segments;
        private long progress;

        SegmentInput(CachedBody body) {
            this.length = body.length();
            this.segments = body.segments();
        }

        @Override
        public boolean isEndOfInput() {
            return !segments.hasNext();
        }

        @Override
        public void close() {
            // Nothing is held but sealed segments, which belong to the cache entry.
        }

        @Deprecated
        @Override
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) {
            if (!segments.hasNext()) {
                return null;
            }
            byte[] segment = segments.next();
            progress += segment.length;
            return Unpooled.wrappedBuffer(segment);
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public long progress() {
            return progress;
        }
    }
}
