package io.edgespot.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * One HTTP/2 connection to an endpoint, shared by concurrent exchanges, each on its own stream; the last handler
 * of the connection's pipeline.
 *
 * <p>Each stream is a child channel with an object codec, so an exchange reads and writes the same
 * {@code HttpObject}s as over HTTP/1.1, through an {@link UpstreamConnection} in stream mode. Streams start with
 * auto-read off: what a slow downstream client has not taken stays within the stream's flow-control window. The
 * connection itself reads all the time, since every stream's frames arrive on it. It holds one connection slot of
 * its cluster until it closes, takes no new stream after the peer's GOAWAY, and never more streams at once than
 * the peer's {@code SETTINGS_MAX_CONCURRENT_STREAMS}.
 */
final class H2Connection extends ChannelInboundHandlerAdapter {

    /** The stream window edgespot grants an origin: a response this far ahead of a slow client at most. */
    private static final int STREAM_WINDOW_BYTES = 256 * 1024;

    private final UpstreamPool pool;
    private final ClusterState cluster;
    private final EndpointState endpoint;
    private final Channel channel;
    private final Http2FrameCodec codec;
    private int activeStreams;
    private boolean goingAway;
    private boolean closed;
    /** When the last stream closed. */
    long idleSince = System.nanoTime();

    private H2Connection(UpstreamPool pool, ClusterState cluster, EndpointState endpoint, Channel channel,
                         Http2FrameCodec codec) {
        this.pool = pool;
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.channel = channel;
        this.codec = codec;
    }

    /**
     * Turns an established connection (after TLS and ALPN {@code h2}, or a plain one for prior knowledge) into an
     * HTTP/2 client connection. The connection's cluster slot, already reserved, now belongs to the returned one.
     */
    static H2Connection install(UpstreamPool pool, ClusterState cluster, EndpointState endpoint, Channel ch) {
        Http2FrameCodec codec = newCodec();
        H2Connection h = new H2Connection(pool, cluster, endpoint, ch, codec);
        installOn(ch.pipeline(), codec, h);
        ch.config().setAutoRead(true);
        return h;
    }

    /** The HTTP/2 client handlers, ending with {@code last} (which sees GOAWAY and the connection's close). */
    static void installOn(ChannelPipeline p, Http2FrameCodec codec, ChannelInboundHandlerAdapter last) {
        p.addLast("h2", codec);
        // The origin may not push (SETTINGS_ENABLE_PUSH 0), so no stream starts from its side.
        p.addLast("h2-mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        p.addLast("h2-conn", last);
    }

    static Http2FrameCodec newCodec() {
        return Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                        .initialWindowSize(STREAM_WINDOW_BYTES))
                .validateHeaders(true)
                .build();
    }

    /** Opens a stream on {@code parent} whose pipeline ends with {@code last}, behind an HTTP object codec. */
    static Future<Http2StreamChannel> openStream(Channel parent, io.netty.channel.ChannelHandler last) {
        return new Http2StreamChannelBootstrap(parent)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(false));
                        ch.pipeline().addLast("upstream", last);
                    }
                })
                .open();
    }

    EndpointState endpoint() {
        return endpoint;
    }

    ClusterState cluster() {
        return cluster;
    }

    Channel channel() {
        return channel;
    }

    /** No stream is open on it. */
    boolean idle() {
        return activeStreams == 0;
    }

    /** Whether a new stream may open now. */
    boolean canOpen() {
        int peerLimit = codec.connection().local().maxActiveStreams();
        return !closed && !goingAway && channel.isActive() && activeStreams < peerLimit;
    }

    /** Opens a stream for one exchange; its {@link UpstreamConnection} closes the stream when released. */
    Future<UpstreamConnection> newStream() {
        activeStreams++;
        UpstreamConnection stream = new UpstreamConnection(pool, cluster, endpoint, this);
        Promise<UpstreamConnection> p = channel.eventLoop().newPromise();
        openStream(channel, stream).addListener(f -> {
            if (f.isSuccess()) {
                p.setSuccess(stream);
            } else {
                streamClosed(); // counted above, never opened
                p.setFailure(f.cause());
            }
        });
        return p;
    }

    /** One of this connection's streams closed. */
    void streamClosed() {
        activeStreams--;
        if (activeStreams == 0) {
            idleSince = System.nanoTime();
        }
        pool.streamFreed(this);
    }

    /** Counts the connection against its cluster once it speaks HTTP/2. */
    void established() {
        pool.metrics().upstreamConnectionOpened(cluster.tenant(), cluster.name());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Connection-level frames the multiplexer passes on: settings, pings and the like need nothing more here.
        if (msg instanceof Http2GoAwayFrame) {
            goingAway = true;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        pool.removeH2(this);
        pool.metrics().upstreamConnectionClosed(cluster.tenant(), cluster.name());
        cluster.releaseConnection();
        pool.connectionClosed(cluster);
    }
}
