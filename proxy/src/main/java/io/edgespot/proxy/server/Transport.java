package io.edgespot.proxy.server;

import io.edgespot.proxy.config.EdgeConfig.TransportKind;
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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport: io_uring, epoll or NIO, as the config asks ({@code server.transport}) and the host allows.
 *
 * <p>{@code auto} takes io_uring where the kernel offers it, else epoll, else NIO. io_uring queues each loop
 * pass's receives and sends and submits them in one system call, where epoll makes one call per receive and per
 * send: four per proxied request (docs/performance.md). A kernel without it, or a container whose seccomp
 * profile forbids it (Docker's default), gets epoll. A transport asked for by name that the host does not have
 * falls back the same way, with a warning that says why.
 *
 * @param name              {@code io_uring}, {@code epoll} or {@code nio}, for the startup log
 * @param ioHandlerFactory  the I/O handler for event loops
 * @param serverChannel     the listening channel class
 * @param socketChannel     the connecting channel class
 * @param datagramChannel   the UDP channel class, for DNS queries
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Class<? extends DatagramChannel> datagramChannel) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final int MAX_DNS_TTL_SECONDS = 300;

    /** The transport {@code kind} names, or the next one down (io_uring, epoll, NIO) that the host has. */
    public static Transport choose(TransportKind kind) {
        if (kind == TransportKind.AUTO || kind == TransportKind.IO_URING) {
            if (IoUring.isAvailable()) {
                return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                        IoUringSocketChannel.class, IoUringDatagramChannel.class);
            }
            unavailable(kind == TransportKind.IO_URING, "io_uring", IoUring.unavailabilityCause());
        }
        if (kind != TransportKind.NIO) {
            if (Epoll.isAvailable()) {
                return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                        EpollSocketChannel.class, EpollDatagramChannel.class);
            }
            unavailable(kind != TransportKind.AUTO, "epoll", Epoll.unavailabilityCause());
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    /** Says why a transport is not taken: a warning when the config named it, a debug line for {@code auto}. */
    private static void unavailable(boolean named, String transport, Throwable cause) {
        String why = cause == null ? "unknown" : cause.toString();
        if (named) {
            LOG.warn("server.transport: {} is not available on this host ({}); taking the next one", transport, why);
        } else {
            LOG.debug("{} is not available on this host: {}", transport, why);
        }
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
