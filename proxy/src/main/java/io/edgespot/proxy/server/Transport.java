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

    /*
     * Netty's switch for io_uring's multishot POLL_ADD, read once when its IoUring class loads, so set here before
     * anything of edgespot's touches that class (ioUringAvailable() is the way in), unless the operator set it. Off:
     * upstream channels read with auto-read off, one read() at a time, and with a multishot poll armed such a
     * channel could miss the last readiness event (Netty 4.2.18). An origin's reset after part of a body was then
     * never reported, and the client waited for bytes that would not come: OriginFaultIT's
     * resetMidBodyCutsTheClientConnection failed in every run with it on and passed in every run with it off. A
     * one-shot poll is armed at each read(), so it cannot miss one; plain HTTP/1.1 at 1 KiB ran as fast either way.
     */
    private static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    static {
        if (System.getProperty(MULTISHOT_POLL) == null) {
            System.setProperty(MULTISHOT_POLL, "false");
        }
    }

    /** The transport {@code kind} names, or the next one down (io_uring, epoll, NIO) that the host has. */
    public static Transport choose(TransportKind kind) {
        if (kind == TransportKind.AUTO || kind == TransportKind.IO_URING) {
            if (ioUringAvailable()) {
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

    /** Whether the host runs io_uring, asked through here so that edgespot's io_uring setting above applies. */
    public static boolean ioUringAvailable() {
        return IoUring.isAvailable();
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
