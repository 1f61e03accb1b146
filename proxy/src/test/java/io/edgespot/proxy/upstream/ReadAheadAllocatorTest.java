package io.edgespot.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One {@code read()} on an auto-read-off connection whose socket holds more than a buffer: the read goes on past
 * the first buffer, and stops at its bound, over each transport (epoll's read loop asks the handle with a
 * supplier, NIO's without, io_uring's through its own handle around this one, a completion at a time).
 */
class ReadAheadAllocatorTest {
    private static final int SENT = 600 * 1024;

    @Test
    void oneReadTakesMoreThanABufferAndStopsAtItsBoundOverNio() throws Exception {
        readsOfOneCall(NioIoHandler.newFactory(), NioSocketChannel.class);
    }

    @Test
    void oneReadTakesMoreThanABufferAndStopsAtItsBoundOverEpoll() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        readsOfOneCall(EpollIoHandler.newFactory(), EpollSocketChannel.class);
    }

    @Test
    void oneReadTakesMoreThanABufferAndStopsAtItsBoundOverIoUring() throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        readsOfOneCall(IoUringIoHandler.newFactory(), IoUringSocketChannel.class);
    }

    private static void readsOfOneCall(IoHandlerFactory io, Class<? extends SocketChannel> type) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BlockingQueue<Integer> perReadCall = new LinkedBlockingQueue<>();
            Channel ch = new Bootstrap().group(group).channel(type)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_RCVBUF, 1024 * 1024)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new ReadAheadAllocator())
                    .handler(new ChannelInboundHandlerAdapter() {
                        private int bytes;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            bytes += ((ByteBuf) msg).readableBytes();
                            ((ByteBuf) msg).release();
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            perReadCall.add(bytes);
                            bytes = 0;
                        }
                    })
                    .connect(server.getLocalSocketAddress()).sync().channel();
            try (Socket peer = server.accept()) {
                peer.setSendBufferSize(1024 * 1024);
                OutputStream out = peer.getOutputStream();
                out.write(new byte[SENT]);
                out.flush();
                Thread.sleep(200); // loopback: the bytes are in the client's receive queue by now

                int total = 0;
                int calls = 0;
                while (total < SENT && calls < 100) {
                    ch.read();
                    Integer got = perReadCall.poll(5, TimeUnit.SECONDS);
                    assertTrue(got != null, "a read() call delivered nothing");
                    if (calls == 0) {
                        assertTrue(got > 64 * 1024, "the first read() stopped at one buffer: " + got);
                        assertTrue(got <= ReadAheadAllocator.MAX_BYTES_PER_READ,
                                "the first read() went past its bound: " + got);
                    }
                    total += got;
                    calls++;
                }
                assertEquals(SENT, total);
                assertTrue(calls >= 4, "600 KiB in " + calls + " read() calls: the bound did not hold");
            } finally {
                ch.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
