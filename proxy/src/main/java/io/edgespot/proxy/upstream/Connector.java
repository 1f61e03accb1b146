package io.edgespot.proxy.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How upstream connections are opened: the socket channel class of the transport, and a non-blocking resolver
 * for endpoints given by hostname, so a slow or failing DNS server delays only the connections that need it and
 * never stalls an event loop.
 *
 * @param channelClass the socket channel class (epoll or NIO)
 * @param resolver     resolves endpoint hostnames on the connecting event loop; IP literals need no lookup
 * @param allocator    the buffer allocator of upstream connections, the one the downstream connections use
 */
public record Connector(Class<? extends SocketChannel> channelClass,
                        AddressResolverGroup<InetSocketAddress> resolver,
                        ByteBufAllocator allocator) {

    /** Stateless: it only makes a handle per channel. */
    private static final ReadAheadAllocator READ_AHEAD = new ReadAheadAllocator();

    public Connector {
        Objects.requireNonNull(channelClass, "channelClass");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * A bootstrap for a connection from {@code loop}, allocating from {@link #allocator} (Netty's default, the
     * adaptive allocator, cost about 1 µs more per proxied request here), and reading ahead as
     * {@link ReadAheadAllocator} says.
     */
    Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap().group(loop).channel(channelClass).resolver(resolver)
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.RCVBUF_ALLOCATOR, READ_AHEAD);
    }
}
