package io.edgespot.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled HTTP/1.1 connection to an endpoint, and the last handler of its pipeline.
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

    private final UpstreamPool pool;
    private final ClusterState cluster;
    private final EndpointState endpoint;
    private Channel channel;
    private Listener listener;
    private boolean counted;
    private boolean closed;
    private boolean tunneled;
    /** When it was last returned to the pool. */
    long idleSince;

    UpstreamConnection(UpstreamPool pool, ClusterState cluster, EndpointState endpoint) {
        this.pool = pool;
        this.cluster = cluster;
        this.endpoint = endpoint;
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
     * Gives the connection back: to the pool when {@code reusable}, else it is closed. The listener hears
     * nothing more.
     */
    public void release(boolean reusable) {
        if (listener != null) {
            listener = null;
            endpoint.requestFinished();
        }
        if (reusable && channel.isActive()) {
            pool.offer(this);
        } else {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
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
        pool.removeIdle(this);
        if (counted) {
            pool.metrics().upstreamConnectionClosed(cluster.tenant(), cluster.name());
        }
        cluster.releaseConnection();
        if (tunneled) {
            endpoint.requestFinished();
        }
        Listener l = listener;
        if (l != null) {
            listener = null;
            endpoint.requestFinished();
            l.onUpstreamClosed(cause);
        }
        pool.connectionClosed(cluster);
    }
}
