package io.edgespot.loadtest.bench;

import io.edgespot.proxy.cli.Main;
import io.edgespot.proxy.config.EdgeConfig.TransportKind;
import io.edgespot.proxy.server.DirectAllocator;
import io.edgespot.proxy.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/**
 * BENCHMARK-ONLY: the floor of a Netty proxy. Each accepted connection gets its own connection to the origin, on the
 * same event loop, and bytes pass both ways untouched: no HTTP, no routing, no pool. Run on one event loop in front
 * of the harness's origin, with the same allocator and Netty settings as edgespot, its CPU time per request is what
 * the transport costs; edgespot's time above it is what its HTTP layer costs.
 *
 * <pre>
 * java -cp loadtest/target/edgespot-jmh.jar io.edgespot.loadtest.bench.ByteRelay 19701 127.0.0.1:18080
 * wrk -t1 -c64 -d6s http://127.0.0.1:19701/1k.bin
 * </pre>
 *
 * <p>It relays one client connection to one origin connection, so it is only a fair floor for keep-alive loads
 * whose requests the origin answers in order, as the harness's are. It has no back-pressure and no limits: a
 * measuring device, not a proxy.
 */
public final class ByteRelay implements AutoCloseable {

    private static final String USAGE = "usage: ByteRelay PORT ORIGIN_HOST:PORT   (benchmark-only)";

    private final LoopbackServer server;

    private ByteRelay(int port, InetSocketAddress origin) throws InterruptedException {
        Transport transport = Transport.choose(TransportKind.EPOLL);
        EventLoopGroup group = transport.newGroup(1, "byte-relay");
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel client) {
                new Bootstrap().group(client.eventLoop()).channel(transport.socketChannel())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.ALLOCATOR, DirectAllocator.INSTANCE)
                        .handler(new Pass(client))
                        .connect(origin).addListener((ChannelFutureListener) f -> {
                            if (!f.isSuccess()) {
                                client.close();
                                return;
                            }
                            client.pipeline().addLast(new Pass(f.channel()));
                            client.config().setAutoRead(true);
                        });
            }
        };
        server = LoopbackServer.bind(new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, DirectAllocator.INSTANCE)
                .childOption(ChannelOption.AUTO_READ, false) // until the origin's connection is up
                .childHandler(init), group, port);
    }

    /** Starts a relay on 127.0.0.1:{@code port} (0 for any free port) to {@code origin}. */
    public static ByteRelay start(int port, InetSocketAddress origin) throws InterruptedException {
        return new ByteRelay(port, origin);
    }

    /** The port the relay listens on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Entry point; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Main.processDefaults(); // the same Netty settings as edgespot
        int colon = args.length == 2 ? args[1].lastIndexOf(':') : -1;
        if (colon < 1 || !args[0].matches("\\d{1,5}") || !args[1].substring(colon + 1).matches("\\d{1,5}")) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        InetSocketAddress origin = new InetSocketAddress(args[1].substring(0, colon),
                Integer.parseInt(args[1].substring(colon + 1)));
        ByteRelay relay = start(Integer.parseInt(args[0]), origin);
        System.err.println("ByteRelay: 127.0.0.1:" + relay.port() + " -> " + args[1]);
        Thread.currentThread().join();
    }

    /** One direction: what one side reads, the other writes, flushed once per read of the socket. */
    private static final class Pass extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Pass(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            to.write(msg, to.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            to.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
