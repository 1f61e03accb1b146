package io.edgespot.proxy.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll where the platform has it and the config allows it, NIO elsewhere.
 *
 * @param name              {@code epoll} or {@code nio}, for the startup log
 * @param ioHandlerFactory  the I/O handler for event loops
 * @param serverChannel     the listening channel class
 * @param socketChannel     the connecting channel class
 * @param datagramChannel   the UDP channel class, for DNS queries
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Class<? extends DatagramChannel> datagramChannel) {

    private static final int MAX_DNS_TTL_SECONDS = 300;

    /** Chooses epoll when {@code preferNative} and it is available, else NIO. */
    public static Transport choose(boolean preferNative) {
        if (preferNative && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    /**
     * A non-blocking DNS resolver for upstream hostnames: the platform's name servers ({@code /etc/resolv.conf})
     * and hosts file, answers cached for their TTL (at most five minutes), TCP when an answer is truncated. Each
     * event loop gets its own resolver on first use.
     */
    public DnsAddressResolverGroup newResolverGroup() {
        return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(datagramChannel)
                .socketChannelType(socketChannel)
                .nameServerProvider(DnsServerAddressStreamProviders.platformDefault())
                .ttl(0, MAX_DNS_TTL_SECONDS));
    }

    /** Creates an event-loop group; {@code threads <= 0} means one per available core. */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }
}
