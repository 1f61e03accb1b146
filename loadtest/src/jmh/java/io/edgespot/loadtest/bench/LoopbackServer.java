package io.edgespot.loadtest.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A benchmark server's listening channel on 127.0.0.1 and the event loops it owns; closing stops both. */
final class LoopbackServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private LoopbackServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code bootstrap}, whose loops are {@code group}, to 127.0.0.1:{@code port}; on failure stops them. */
    static LoopbackServer bind(ServerBootstrap bootstrap, EventLoopGroup group, int port) throws InterruptedException {
        try {
            return new LoopbackServer(group,
                    bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel());
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port it listens on. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
