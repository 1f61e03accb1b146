package io.edgespot.proxy.server;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
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
 *
 * <p>Buffers come from (and go back to) {@link PooledByteBufAllocator#DEFAULT}'s arenas and thread caches; this
 * class only chooses the kind, so it holds no memory of its own.
 */
public final class DirectAllocator extends AbstractByteBufAllocator {
    /** The one instance; it has no state. */
    public static final DirectAllocator INSTANCE = new DirectAllocator();

    private DirectAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }
}
