package io.edgespot.loadtest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket echo server on 127.0.0.1, port 0, path {@code /ws}, that can close its sockets one by one at
 * spread times the way a draining proxy would.
 */
final class TestWsServer implements AutoCloseable {

    final List<Channel> sockets = new CopyOnWriteArrayList<>();
    final AtomicLong messages = new AtomicLong();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SslContext ssl;
    private final boolean corruptEchoes;
    private final Channel server;

    TestWsServer(SslContext ssl, boolean corruptEchoes) throws InterruptedException {
        this.ssl = ssl;
        this.corruptEchoes = corruptEchoes;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                        p.addLast(ssl.newHandler(ch.alloc()));
                    }
                    p.addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536),
                        new WebSocketServerProtocolHandler("/ws"), new EchoHandler());
                }
            }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    String url() {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return (ssl == null ? "ws" : "wss") + "://127.0.0.1:" + port + "/ws";
    }

    /** Closes socket i (in open order) with the given code after i * spacing milliseconds. */
    void closeAllSpread(int code, long spacingMillis) {
        for (int i = 0; i < sockets.size(); i++) {
            Channel ch = sockets.get(i);
            ch.eventLoop().schedule(() -> ch.writeAndFlush(new CloseWebSocketFrame(code, "going away")),
                i * spacingMillis, TimeUnit.MILLISECONDS);
        }
    }

    private final class EchoHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            messages.incrementAndGet();
            String text = frame.text();
            ctx.writeAndFlush(new TextWebSocketFrame(corruptEchoes ? text + "!" : text));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                sockets.add(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
