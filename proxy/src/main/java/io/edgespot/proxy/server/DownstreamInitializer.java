package io.edgespot.proxy.server;

import io.edgespot.crypto.tls.NegotiatedTls;
import io.edgespot.crypto.tls.ServerTls;
import io.edgespot.crypto.tls.SslEngineRelease;
import io.edgespot.proxy.config.EdgeConfig.Limits;
import io.edgespot.proxy.config.EdgeConfig.Listener;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.upstream.ReadsOffAtClose;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of each accepted connection of one listener:
 * <pre>
 *   [PROXY header] → [SNI → TLS → ALPN] → HTTP/1.1: timeouts, strict codec, guard, proxy
 *                                        HTTP/2:   closed-stream gate, frame codec (stream, reset and
 *                                                  CONTINUATION limits, request pseudo-header checks), idle
 *                                                  clock (runs while no stream is open), streams (a proxy
 *                                                  per stream, stream errors, WebSockets, drain, the
 *                                                  connection's failures)
 * </pre>
 * A connection over the instance's connection bound is closed at accept, and so is one over the per-client bound,
 * once the client's address is known (after the PROXY header, when the listener takes one).
 */
final class DownstreamInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamInitializer.class);

    /**
     * The write marks of an HTTP/2 connection. With Netty's 32/64 KiB, the marks of an HTTP/1.1 connection, a single
     * 64 KiB response turns the connection unwritable, and every change walks every open stream to turn it too; at
     * 64 KiB over h2 that churn cost 7-8 % of the throughput. These marks only decide when the HTTP/2 flow controller
     * hands queued frames to the socket. What a connection holds stays bounded per stream, by each stream's own
     * marks ({@link Http2Streams#STREAM_HIGH_BYTES} of writes not yet on the wire), which stop the stream reading
     * from its origin.
     */
    private static final WriteBufferWaterMark HTTP2_WRITE_BUFFER = new WriteBufferWaterMark(256 * 1024, 512 * 1024);

    private final ProxyContext px;
    private final Listener listener;
    private final AtomicInteger connections;
    private final ClientConnections clients;
    private final ChannelGroup all;

    DownstreamInitializer(ProxyContext px, Listener listener, AtomicInteger connections, ClientConnections clients,
            ChannelGroup all) {
        this.px = px;
        this.listener = listener;
        this.connections = connections;
        this.clients = clients;
        this.all = all;
    }

    @Override
    protected void initChannel(Channel ch) {
        EdgeMetrics metrics = px.metrics();
        if (connections.incrementAndGet() > px.runtime().config().limits().maxConnections()) {
            connections.decrementAndGet();
            metrics.rejected("max_connections");
            ch.close();
            return;
        }
        metrics.downstreamConnectionOpened(listener.name());
        all.add(ch);
        ReadsOffAtClose.addFirstIfIoUring(ch);
        ch.closeFuture().addListener(f -> {
            connections.decrementAndGet();
            metrics.downstreamConnectionClosed(listener.name());
        });
        if (listener.proxyProtocol()) {
            ch.pipeline().addLast("proxy-protocol", new HAProxyMessageDecoder());
            ch.pipeline().addLast("proxy-protocol-handler", new ProxyProtocolHandler());
        } else {
            afterProxyHeader(ch, addressOf(ch));
        }
    }

    private static String addressOf(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "-";
    }

    private void afterProxyHeader(Channel ch, String clientIp) {
        int perClient = px.runtime().config().limits().maxConnectionsPerClient();
        if (perClient > 0) {
            if (!clients.tryAcquire(clientIp, perClient)) {
                px.metrics().rejected("max_connections_per_client");
                ch.close();
                return;
            }
            ch.closeFuture().addListener(f -> clients.release(clientIp));
        }
        if (listener.tls()) {
            ServerTls tls = px.runtime().tls().get(listener.name());
            ch.pipeline().addLast("sni", tls.newSniHandler());
            ch.pipeline().addLast("alpn", new Alpn(tls, clientIp));
        } else if (listener.http2()) {
            ch.pipeline().addLast("preface", new PrefaceDetector(new ConnectionInfo(listener.name(), clientIp,
                    "http", null)));
        } else {
            http1(ch.pipeline(), new ConnectionInfo(listener.name(), clientIp, "http", null));
        }
    }

    private void http1(ChannelPipeline p, ConnectionInfo info) {
        Limits limits = px.runtime().config().limits();
        EdgeMetrics metrics = px.metrics();
        Http1Timeouts timeouts = new Http1Timeouts(limits.idleTimeout(), limits.headerTimeout(),
                () -> metrics.timeout("header"));
        p.addLast("timeouts", timeouts);
        p.addLast("http", new StrictRequestDecoder(limits.maxUriBytes() + 32, limits.maxHeaderBytes(),
                timeouts::headStarted));
        p.addLast("guard", new RequestGuard(limits, metrics, timeouts));
        p.addLast("proxy", new Http1Downstream(px, info, timeouts));
    }

    private void http2(ChannelPipeline p, ConnectionInfo info) {
        Limits limits = px.runtime().config().limits();
        p.channel().config().setWriteBufferWaterMark(HTTP2_WRITE_BUFFER);
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(limits.http2MaxConcurrentStreams())
                .initialWindowSize(limits.http2InitialWindowBytes())
                .maxHeaderListSize(limits.maxHeaderBytes())
                // RFC 8441 WebSockets; a route that does not take them answers 403, as over HTTP/1.1
                .connectProtocolEnabled(true);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .validateRequiredPseudoHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(limits.http2MaxResetsPerSecond(), 1)
                .encoderEnforceMaxRstFramesPerWindow(limits.http2MaxResetsPerSecond(), 1)
                .decoderEnforceMaxSmallContinuationFrames(16)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                .encoderEnforceMaxQueuedControlFrames(10_000)
                .gracefulShutdownTimeoutMillis(px.runtime().config().server().shutdownGrace().toMillis())
                .build();
        p.addLast("h2-gate", new Http2ClosedStreamGate(codec));
        p.addLast("h2", codec);
        p.addLast("idle", new Http2IdleTimeout(limits.idleTimeout(), codec.connection()));
        p.addLast("streams", new Http2Streams(px, info, codec.connection()));
    }

    /** Waits for the PROXY protocol header, then builds the rest of the pipeline with the real client address. */
    private final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage m) {
                String source = m.sourceAddress();
                m.release();
                ctx.pipeline().remove(this);
                afterProxyHeader(ctx.channel(), source == null ? addressOf(ctx.channel()) : source);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            px.metrics().rejected("bad_proxy_header");
            ctx.close();
        }
    }

    /** On a plain listener with HTTP/2 on: the client preface means h2c prior knowledge, anything else HTTP/1.1. */
    private final class PrefaceDetector extends ByteToMessageDecoder {
        private final ConnectionInfo info;

        PrefaceDetector(ConnectionInfo info) {
            this.info = info;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
            try {
                int n = Math.min(in.readableBytes(), preface.readableBytes());
                if (!ByteBufUtil.equals(in, in.readerIndex(), preface, 0, n)) {
                    http1(ctx.pipeline(), info);
                } else if (n < preface.readableBytes()) {
                    return;
                } else {
                    http2(ctx.pipeline(), info);
                }
            } finally {
                preface.release();
            }
            ctx.pipeline().remove(this);
        }
    }

    /** After the TLS handshake: record it, learn the SNI tenant, and build the pipeline ALPN chose. */
    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final ServerTls tls;
        private final String clientIp;
        private String sniHost;
        /** The handshake was refused for an unknown name; counted as unknown_sni already. */
        private boolean sniRefused;

        Alpn(ServerTls tls, String clientIp) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.tls = tls;
            this.clientIp = clientIp;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SniCompletionEvent sni) {
                sniHost = sni.hostname();
                sniRefused = !sni.isSuccess();
                ctx.fireUserEventTriggered(evt);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            ctx.pipeline().addAfter(ctx.name(), "tls-release", SslEngineRelease.INSTANCE);
            px.metrics().tlsHandshake(listener.name(), NegotiatedTls.of(ssl).protocol(), "ok");
            String tenant = tls.tenantFor(sniHost).orElse(null);
            ConnectionInfo info = new ConnectionInfo(listener.name(), clientIp, "https", tenant);
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx.pipeline(), info);
            } else {
                http1(ctx.pipeline(), info);
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            if (!sniRefused) {
                px.metrics().tlsHandshake(listener.name(), "-", "failed");
            }
            LOG.debug("TLS handshake on {} failed: {}", listener.name(), cause.toString());
            ctx.close();
        }
    }
}
