package io.edgespot.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * One pooled HTTP/1.1 connection to an endpoint, or one stream of an {@link H2Connection}; the last handler of
 * its pipeline. A stream is never reused: releasing it closes it (with RST_STREAM if its exchange had not ended).
 *
 * <p>Reads are manual (auto-read off): the exchange that holds the connection asks for each read, so a slow
 * downstream client slows the upstream down instead of filling memory. While idle in the pool a read stays
 * armed: a close removes the connection from the pool, and any byte the origin sends there (it may send none
 * before a request) closes the connection.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    /** What the exchange holding the connection hears from it. */
    public interface Listener {
        /** An {@code HttpObject} from the upstream; the listener owns it. */
        void onUpstreamMessage(Object msg);

        /** The end of one read burst: a good moment to flush downstream. */
        void onUpstreamReadComplete();

        /** The connection became writable again. */
        void onUpstreamWritable();

        /** The connection closed or failed; {@code cause} is null for a plain close. */
        void onUpstreamClosed(Throwable cause);
    }

    private static final HttpConversionUtil.ExtensionHeaderNames[] HTTP2_EXTENSION_HEADERS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private final UpstreamPool pool;
    private final ClusterState cluster;
    private final EndpointState endpoint;
    /** The HTTP/2 connection this is a stream of, or null for an HTTP/1.1 connection. */
    private final H2Connection parent;
    private Channel channel;
    /** The connection's HTTP/1.1 decoder; null on an HTTP/2 stream. */
    private ResponseDecoder decoder;
    private Listener listener;
    private boolean counted;
    private boolean closed;
    private boolean tunneled;
    /** When it was last returned to the pool. */
    long idleSince;

    UpstreamConnection(UpstreamPool pool, ClusterState cluster, EndpointState endpoint) {
        this(pool, cluster, endpoint, null);
    }

    UpstreamConnection(UpstreamPool pool, ClusterState cluster, EndpointState endpoint, H2Connection parent) {
        this.pool = pool;
        this.cluster = cluster;
        this.endpoint = endpoint;
        this.parent = parent;
    }

    public Channel channel() {
        return channel;
    }

    public ClusterState cluster() {
        return cluster;
    }

    public EndpointState endpoint() {
        return endpoint;
    }

    /** Hands the connection to an exchange. */
    public void attach(Listener l) {
        this.listener = l;
        endpoint.requestStarted();
    }

    /**
     * Gives the connection back: to the pool when {@code reusable} and the origin sent nothing past its response,
     * else it is closed. The listener hears nothing more.
     */
    public void release(boolean reusable) {
        if (listener != null) {
            listener = null;
            endpoint.requestFinished();
        }
        if (reusable && parent == null && channel.isActive() && !holdsStrayBytes()) {
            pool.offer(this);
        } else {
            channel.close();
        }
    }

    private boolean holdsStrayBytes() {
        return decoder != null && decoder.holdsStrayBytes();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        this.decoder = ctx.pipeline().get(ResponseDecoder.class);
    }

    /**
     * Hands the connection over to a WebSocket tunnel: it leaves the pool for good, and stays counted as an
     * active request of its endpoint until it closes.
     */
    public void tunnel() {
        listener = null;
        tunneled = true;
    }

    /** Counts the connection against the cluster once it is established. */
    void established() {
        counted = true;
        pool.metrics().upstreamConnectionOpened(cluster.tenant(), cluster.name());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (parent != null) {
            if (msg instanceof Http2ResetFrame reset) {
                // The origin reset this stream: the exchange ends as if the connection had closed under it.
                long code = reset.errorCode();
                ReferenceCountUtil.release(msg);
                closed(new IOException("upstream reset the stream (HTTP/2 error " + code + ")"));
                ctx.close();
                return;
            }
            if (msg instanceof HttpResponse response) {
                for (HttpConversionUtil.ExtensionHeaderNames x : HTTP2_EXTENSION_HEADERS) {
                    response.headers().remove(x.text()); // added by the conversion to HTTP/1 objects
                }
            }
        }
        if (listener != null) {
            listener.onUpstreamMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null && ctx.channel().isWritable()) {
            listener.onUpstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closed(cause);
        ctx.close();
    }

    /** The connection attempt failed before the channel became active. */
    void connectFailed() {
        closed(null);
    }

    private void closed(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (parent != null) {
            parent.streamClosed();
        } else {
            pool.removeIdle(this);
            if (counted) {
                pool.metrics().upstreamConnectionClosed(cluster.tenant(), cluster.name());
            }
            cluster.releaseConnection();
        }
        if (tunneled) {
            endpoint.requestFinished();
        }
        Listener l = listener;
        if (l != null) {
            listener = null;
            endpoint.requestFinished();
            l.onUpstreamClosed(cause);
        }
        if (parent == null) {
            pool.connectionClosed(cluster);
        }
    }
}
