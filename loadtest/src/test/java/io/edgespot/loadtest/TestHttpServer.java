package io.edgespot.loadtest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A small HTTP/1.1 and HTTP/2 server on 127.0.0.1, port 0, that counts what it receives and answers with a
 * test-supplied {@link Reply}. Plain servers speak HTTP/1.1 or, in h2c mode, HTTP/2 with prior knowledge; TLS
 * servers pick the protocol with ALPN.
 */
final class TestHttpServer implements AutoCloseable {

    /** What to answer: status, extra headers and an optional delay before the response is written. */
    static final class Reply {
        final int status;
        final Map<String, String> headers;
        final long delayMillis;

        Reply(int status, Map<String, String> headers, long delayMillis) {
            this.status = status;
            this.headers = headers;
            this.delayMillis = delayMillis;
        }

        static Reply ok() {
            return new Reply(200, Map.of(), 0);
        }

        static Reply status(int status) {
            return new Reply(status, Map.of(), 0);
        }
    }

    final AtomicLong requests = new AtomicLong();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong http2Requests = new AtomicLong();
    final Queue<String> paths = new ConcurrentLinkedQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SslContext ssl;
    private final boolean h2c;
    /** Called with the request and its sequence number (0-based) on the server's event loop. */
    private final BiFunction<FullHttpRequest, Long, Reply> responder;
    private final Channel server;

    TestHttpServer(SslContext ssl, boolean h2c, BiFunction<FullHttpRequest, Long, Reply> responder)
        throws InterruptedException {
        this.ssl = ssl;
        this.h2c = h2c;
        this.responder = responder;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    init(ch.pipeline());
                }
            }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    String url(String path) {
        return (ssl == null ? "http" : "https") + "://127.0.0.1:" + port() + path;
    }

    private void init(ChannelPipeline p) {
        if (ssl != null) {
            p.addLast(ssl.newHandler(p.channel().alloc()));
            p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        addHttp2(ctx.pipeline());
                    } else {
                        addHttp1(ctx.pipeline());
                    }
                }
            });
        } else if (h2c) {
            addHttp2(p);
        } else {
            addHttp1(p);
        }
    }

    private void addHttp1(ChannelPipeline p) {
        p.addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new AppHandler(false));
    }

    private void addHttp2(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forServer().build());
        p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                    new HttpObjectAggregator(1 << 20), new AppHandler(true));
            }
        }));
    }

    private final class AppHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final boolean http2;

        AppHandler(boolean http2) {
            this.http2 = http2;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long seq = requests.getAndIncrement();
            if (http2) {
                http2Requests.incrementAndGet();
            }
            paths.add(req.uri());
            Reply reply = responder.apply(req, seq);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status), Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
            resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
            reply.headers.forEach((k, v) -> resp.headers().set(k, v));
            if (!keepAlive && !http2) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            Runnable write = () -> {
                if (!keepAlive && !http2) {
                    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.writeAndFlush(resp);
                }
            };
            if (reply.delayMillis > 0) {
                ctx.executor().schedule(write, reply.delayMillis, TimeUnit.MILLISECONDS);
            } else {
                write.run();
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
