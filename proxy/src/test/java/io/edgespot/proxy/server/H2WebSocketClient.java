package io.edgespot.proxy.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP/2 client that opens WebSockets with extended CONNECT (RFC 8441), built on Netty's HTTP/2 frame codec
 * and its WebSocket frame codec: one TLS connection (ALPN h2), any number of WebSocket streams on it.
 */
final class H2WebSocketClient implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;
    /** The server's first SETTINGS. */
    final CompletableFuture<Http2Settings> serverSettings = new CompletableFuture<>();

    H2WebSocketClient(SSLContext ssl, String host, int port) throws InterruptedException {
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SSLEngine engine = ssl.createSSLEngine(host, port);
                        engine.setUseClientMode(true);
                        SSLParameters p = engine.getSSLParameters();
                        p.setApplicationProtocols(new String[] {"h2"});
                        p.setServerNames(List.of(new SNIHostName(host)));
                        engine.setSSLParameters(p);
                        ch.pipeline().addLast(new SslHandler(engine));
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2SettingsFrame s) {
                                    serverSettings.complete(s.settings());
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    /** Whether the connection is still open. */
    boolean isOpen() {
        return connection.isActive();
    }

    /**
     * Sends an extended CONNECT on a new stream and waits for the response head.
     *
     * @param extra more request fields (a subprotocol, say)
     */
    Ws open(String authority, String path, Map<String, String> extra) throws Exception {
        serverSettings.get(5, TimeUnit.SECONDS);
        Ws ws = new Ws();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(
                new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(ws.new Framing());
                        ch.pipeline().addLast(new WebSocket13FrameDecoder(false, false, 1 << 20));
                        ch.pipeline().addLast(new WebSocket13FrameEncoder(true));
                        ch.pipeline().addLast(new WebSocketFrameAggregator(1 << 20));
                        ch.pipeline().addLast(ws.new Messages());
                    }
                }).open().get(5, TimeUnit.SECONDS);
        ws.stream = stream;
        stream.closeFuture().addListener(f -> ws.streamClosed.complete(null));
        Http2Headers h = new DefaultHttp2Headers().method("CONNECT").scheme("https").path(path).authority(authority);
        h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
        h.set("sec-websocket-version", "13");
        extra.forEach(h::set);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false)).sync();
        ws.response.get(5, TimeUnit.SECONDS);
        return ws;
    }

    Ws open(String authority, String path) throws Exception {
        return open(authority, path, Map.of());
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One WebSocket stream: the response head, the messages received, the close. */
    static final class Ws {
        Http2StreamChannel stream;
        final CompletableFuture<Http2Headers> response = new CompletableFuture<>();
        /** Text messages as strings, binary ones as "binary:" and their length, pings as "ping". */
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        volatile long closedAtNanos;
        final CompletableFuture<Void> streamClosed = new CompletableFuture<>();
        volatile boolean endStreamReceived;
        volatile boolean resetReceived;

        String status() throws Exception {
            return response.get(5, TimeUnit.SECONDS).status().toString();
        }

        void send(WebSocketFrame frame) {
            stream.writeAndFlush(frame).syncUninterruptibly();
        }

        String next() throws InterruptedException {
            return received.poll(10, TimeUnit.SECONDS);
        }

        int awaitClose() throws Exception {
            return closeCode.get(10, TimeUnit.SECONDS);
        }

        /** Resets the stream (RST_STREAM, CANCEL). */
        void reset() {
            stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).syncUninterruptibly();
        }

        /** Ends the client's side of the stream (END_STREAM). */
        void endStream() {
            stream.writeAndFlush(new DefaultHttp2DataFrame(true)).syncUninterruptibly();
        }

        /** DATA frames in and out of the WebSocket codec; the response HEADERS and resets noted. */
        final class Framing extends ChannelDuplexHandler {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2HeadersFrame h) {
                    response.complete(h.headers());
                    endStreamReceived |= h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    endStreamReceived |= d.isEndStream();
                    if (response.isDone() && "200".contentEquals(response.getNow(null).status())) {
                        ctx.fireChannelRead(d.content());
                        return;
                    }
                    d.release(); // an error body
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof Http2ResetFrame) {
                    resetReceived = true;
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg instanceof ByteBuf b ? new DefaultHttp2DataFrame(b) : msg, promise);
            }
        }

        /** Collects decoded WebSocket messages. */
        final class Messages extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof TextWebSocketFrame t) {
                        received.add(t.text());
                    } else if (msg instanceof BinaryWebSocketFrame b) {
                        received.add("binary:" + b.content().readableBytes() + ":"
                                + ByteBufUtil.hashCode(b.content()));
                    } else if (msg instanceof CloseWebSocketFrame c) {
                        closedAtNanos = System.nanoTime();
                        closeCode.complete(c.statusCode());
                    } else if (msg instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame p) {
                        received.add("ping:" + p.content().toString(StandardCharsets.UTF_8));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                closedAtNanos = closedAtNanos == 0 ? System.nanoTime() : closedAtNanos;
                closeCode.complete(-1);
                ctx.fireChannelInactive();
            }
        }
    }
}
