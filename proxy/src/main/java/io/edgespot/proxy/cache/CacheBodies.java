package io.edgespot.proxy.cache;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheIntegrityException;
import io.edgespot.cache.CachedBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Moves bodies between Netty buffers and the cache: a {@link CachedBody} out as direct buffers, one decrypted
 * segment at a time, and upstream body chunks into a {@link BodyCollector} without copying them.
 *
 * <p>Out: {@link #openSegment} decrypts one segment into a pooled direct buffer, which goes to the socket as it
 * is; the caller opens the next segment only while the channel is writable, so a slow client holds at most one
 * plaintext segment, and the first bytes leave before the last segment is opened. A segment that fails
 * authentication throws {@link CacheIntegrityException} after the status and headers may already have gone out,
 * so the proxy must reset the stream or close the connection rather than end the response normally.
 *
 * <p>Stateless.
 */
public final class CacheBodies {
    private CacheBodies() {
    }

    /**
     * Decrypts one segment of a cached body into a new direct buffer.
     *
     * @param body the cached body, e.g. from a {@code LookupResult.Hit}
     * @param index the segment, from 0 to {@code body.segmentCount() - 1}
     * @param allocator where the buffer comes from
     * @return the segment's plaintext; the caller owns the buffer
     * @throws CacheIntegrityException if the segment fails to open; no buffer is then held
     */
    public static ByteBuf openSegment(CachedBody body, int index, ByteBufAllocator allocator) {
        int capacity = body.segmentCapacity(index);
        ByteBuf buffer = allocator.directBuffer(capacity);
        try {
            buffer.writerIndex(body.openSegment(index, buffer.nioBuffer(0, capacity)));
            return buffer;
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
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
}
