package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Netty's pooled allocator with every buffer in direct memory, heap requests included; the allocator of edgespot's
 * channels, downstream and upstream.
 *
 * <p>Netty drives Conscrypt as a generic JDK {@code SSLEngine} (on Java 15 and later it does not use its
 * Conscrypt-specific wrapper), and for such an engine {@code SslHandler} asks the allocator for <em>heap</em>
 * buffers to hold TLS output and to gather the plaintext it wraps. Conscrypt then copies each record from native
 * memory into the heap array, and the epoll transport copies it back into direct memory before it can write it:
 * two copies of every byte sent over TLS that direct buffers avoid. Nothing on edgespot's channels needs a heap
 * buffer's array (no compression codec; the HTTP, HTTP/2 and TLS handlers reach buffers through {@code nioBuffer}
 * or the {@code ByteBuf} API).
 */
public final class DirectAllocator implements ByteBufAllocator {
    /** The one instance; it holds no state of its own. */
    public static final DirectAllocator INSTANCE = new DirectAllocator(PooledByteBufAllocator.DEFAULT);

    private final ByteBufAllocator pooled;

    private DirectAllocator(ByteBufAllocator pooled) {
        this.pooled = pooled;
    }

    @Override
    public ByteBuf buffer() {
        return pooled.directBuffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return pooled.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return pooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return pooled.directBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return pooled.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return pooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return pooled.directBuffer();
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return pooled.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return pooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return pooled.directBuffer();
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return pooled.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return pooled.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return pooled.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return pooled.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return pooled.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return pooled.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return pooled.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return pooled.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return pooled.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return pooled.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
