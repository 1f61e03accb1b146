package io.edgespot.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client event loops of one run: epoll when the native transport loads, NIO otherwise.
 *
 * <p>The epoll classes are looked up reflectively because the module gets the native transport at runtime
 * scope only; the tool still works, on NIO, where it is missing.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final String transport;

    /**
     * Starts the event loop threads.
     *
     * @param threads the number of threads
     */
    public EventLoops(int threads) {
        IoHandlerFactory epoll = epollFactory();
        if (epoll != null) {
            group = new MultiThreadIoEventLoopGroup(threads, epoll);
            channelClass = epollChannelClass();
            transport = "epoll";
        } else {
            group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
            transport = "nio";
        }
    }

    private static IoHandlerFactory epollFactory() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                return null;
            }
            Class<?> handler = Class.forName("io.netty.channel.epoll.EpollIoHandler");
            return (IoHandlerFactory) handler.getMethod("newFactory").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static Class<? extends SocketChannel> epollChannelClass() {
        try {
            return Class.forName("io.netty.channel.epoll.EpollSocketChannel").asSubclass(SocketChannel.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("epoll is available but EpollSocketChannel is missing", e);
        }
    }

    /** @return the event loop group */
    public EventLoopGroup group() {
        return group;
    }

    /** @return {@code epoll} or {@code nio} */
    public String transport() {
        return transport;
    }

    /**
     * Creates a client bootstrap with the run's transport, no Nagle delay and a connect timeout.
     *
     * @param connectTimeout the connect timeout
     * @return a bootstrap without a handler
     */
    public Bootstrap bootstrap(Duration connectTimeout) {
        return new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
