package io.edgespot.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The receive-buffer allocator of upstream connections: Netty's adaptive buffer sizes, and a read that goes on
 * while the socket may hold more, although these connections read on demand (auto-read off).
 *
 * <p>With auto-read off, Netty reads the socket once per {@code read()} call. A response a little larger than the
 * read buffer, such as a 64 KiB body with its head, then takes two reads, and the end of each read flushes what it
 * carried to the client: two writes and a second event-loop pass where one would do. Here a read goes on while the
 * previous one filled its buffer, as it would with auto-read on, up to {@link #MAX_BYTES_PER_READ} and
 * {@link #MAX_READS} per call: the most one {@code read()} hands the pipeline before the exchange checks again
 * that the client keeps up.
 */
final class ReadAheadAllocator implements RecvByteBufAllocator {
    /** The most one read call takes from the socket: two of the adaptive allocator's largest buffers. */
    static final int MAX_BYTES_PER_READ = 128 * 1024;
    /** The most socket reads per read call, Netty's default for auto-read channels. */
    static final int MAX_READS = 16;

    private final AdaptiveRecvByteBufAllocator sizes = new AdaptiveRecvByteBufAllocator();

    @Override
    public Handle newHandle() {
        return new ReadAheadHandle((ExtendedHandle) sizes.newHandle());
    }

    /** Delegates buffer sizing to the adaptive handle and decides alone whether a read goes on. */
    @SuppressWarnings("deprecation") // ExtendedHandle: the epoll transport requires it of every handle
    private static final class ReadAheadHandle extends DelegatingHandle implements ExtendedHandle {
        private final UncheckedBooleanSupplier filledBuffer = () -> lastBytesRead() == attemptedBytesRead();
        private int bytes;
        private int reads;

        ReadAheadHandle(ExtendedHandle sizes) {
            super(sizes);
        }

        @Override
        public void reset(ChannelConfig config) {
            super.reset(config);
            bytes = 0;
            reads = 0;
        }

        /** The adaptive guess, cut so that this read call takes no more than {@link #MAX_BYTES_PER_READ}. */
        @Override
        public int guess() {
            return Math.min(super.guess(), MAX_BYTES_PER_READ - bytes);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public void lastBytesRead(int n) {
            super.lastBytesRead(n);
            if (n > 0) {
                bytes += n;
                reads++;
            }
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return maybeMoreData.get() && bytes > 0 && bytes < MAX_BYTES_PER_READ && reads < MAX_READS;
        }

        @Override
        public boolean continueReading() {
            return continueReading(filledBuffer);
        }
    }
}
