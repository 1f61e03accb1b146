package io.edgespot.crypto.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Real Netty servers and clients on 127.0.0.1 for the TLS tests, plus certificate file helpers. */
final class TlsTestSupport {

    static final long TIMEOUT_SECONDS = 10;

    private TlsTestSupport() {
    }

    static EventLoopGroup newGroup() {
        return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /** Writes a certificate and key into {@code dir} as {@code name.crt} / {@code name.key}. */
    static TenantCertificate tenant(Path dir, String tenant, String name, IssuedCertificate issued,
            List<String> hosts) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        issued.writePem(cert, key);
        return new TenantCertificate(tenant, hosts, cert, key);
    }

    /** What the server side saw for one accepted connection. */
    record ServerSide(boolean success, Throwable cause, String sniHostname, boolean conscrypt,
            NegotiatedTls negotiated) {
    }

    /** A TLS server whose pipeline is {@code newSniHandler()} then a recorder of handshake outcomes. */
    static final class TestServer implements AutoCloseable {

        final BlockingQueue<ServerSide> handshakes = new LinkedBlockingQueue<>();
        private final Channel channel;

        TestServer(EventLoopGroup group, ServerTls tls) throws InterruptedException {
            this(group, ch -> tls.newSniHandler());
        }

        /** A server whose first handler comes from {@code tlsHandler}, e.g. a plain Netty context's. */
        TestServer(EventLoopGroup group, Function<SocketChannel, ChannelHandler> tlsHandler)
                throws InterruptedException {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tlsHandler.apply(ch));
                            ch.pipeline().addLast(new Recorder(handshakes));
                        }
                    });
            channel = bootstrap.bind("127.0.0.1", 0).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        ServerSide nextHandshake() throws InterruptedException {
            ServerSide side = handshakes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (side == null) {
                throw new AssertionError("no handshake outcome recorded on the server");
            }
            return side;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /** Records the handshake outcome; closes the connection on any exception, as the proxy does. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {

        private final BlockingQueue<ServerSide> handshakes;
        private String sniHostname;
        private boolean recorded;

        Recorder(BlockingQueue<ServerSide> handshakes) {
            this.handshakes = handshakes;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SniCompletionEvent sni) {
                sniHostname = sni.hostname();
            } else if (evt instanceof SslHandshakeCompletionEvent done && !recorded) {
                recorded = true;
                if (done.isSuccess()) {
                    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                    // One byte of application data: a TLS 1.3 client only gets its session tickets (sent
                    // right after the handshake) if it reads on until this byte arrives.
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'!'}));
                    handshakes.add(new ServerSide(true, null, sniHostname, Conscrypts.isConscryptEngine(ssl.engine()),
                            NegotiatedTls.of(ssl)));
                } else {
                    handshakes.add(new ServerSide(false, done.cause(), sniHostname, false, null));
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!recorded) {
                recorded = true;
                handshakes.add(new ServerSide(false, cause, sniHostname, false, null));
            }
            ctx.close();
        }
    }

    /** What the client saw for one connection. */
    record ClientSide(boolean success, Throwable cause, X509Certificate peer, NegotiatedTls negotiated,
            byte[] sessionId, boolean receivedData) {
    }

    /**
     * Connects, waits for the handshake and then for the server's first byte (or a close), and closes the
     * connection.
     */
    static ClientSide connect(EventLoopGroup group, SslContext context, String host, int port)
            throws InterruptedException {
        SslHandler[] holder = new SslHandler[1];
        CompletableFuture<Boolean> firstByte = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        holder[0] = context.newHandler(ch.alloc(), host, port);
                        ch.pipeline().addLast(holder[0]);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                                firstByte.complete(true);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                firstByte.complete(false);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        Channel channel = bootstrap.connect("127.0.0.1", port).sync().channel();
        try {
            SslHandler ssl = holder[0];
            if (!ssl.handshakeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("client handshake did not finish");
            }
            if (!ssl.handshakeFuture().isSuccess()) {
                return new ClientSide(false, ssl.handshakeFuture().cause(), null, null, null, false);
            }
            SSLSession session = ssl.engine().getSession();
            X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
            boolean received = firstByte.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new ClientSide(true, null, peer, NegotiatedTls.of(ssl), session.getId(), received);
        } catch (SSLPeerUnverifiedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        } finally {
            channel.close().sync();
        }
    }
}
