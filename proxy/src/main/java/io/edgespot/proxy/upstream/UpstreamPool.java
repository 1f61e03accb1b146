package io.edgespot.proxy.upstream;

import io.edgespot.crypto.tls.SslEngineRelease;
import io.edgespot.proxy.config.EdgeConfig.Cluster;
import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseNotifier;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upstream connections of one event loop: idle HTTP/1.1 connections per endpoint, and requests waiting
 * for a connection when their cluster is at its connection bound.
 *
 * <p>Confined to its event loop, so it takes no locks; the cluster-wide bounds live in {@link ClusterState} and
 * hold across loops. New connections are opened on this loop, the downstream channel's own, so an exchange
 * never crosses threads.
 */
public final class UpstreamPool {

    /** Raised when a cluster has neither a free connection slot nor a free pending slot. */
    public static final class PoolFullException extends Exception {
        PoolFullException(String message) {
            super(message, null, false, false);
        }
    }

    private record Waiter(Promise<UpstreamConnection> promise, ScheduledFuture<?> timeout) {
    }

    /**
     * The pools of the other event loops. A cluster's connection bound spans all loops, so a loop that waits for a
     * slot asks the others to give up an idle connection, and a slot freed on one loop can serve a waiter on another.
     */
    public interface Neighbours {
        /** Runs {@code action} on the loop of every pool other than {@code self}. */
        void forEachOther(UpstreamPool self, java.util.function.Consumer<UpstreamPool> action);
    }

    private final EventLoop loop;
    private final Connector connector;
    private final EdgeMetrics metrics;
    private final Map<EndpointState, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    /** HTTP/2 connections per endpoint, busy or not: each serves many exchanges at once. */
    private final Map<EndpointState, ArrayDeque<H2Connection>> http2 = new HashMap<>();
    private final Map<ClusterState, ArrayDeque<Waiter>> waiters = new HashMap<>();
    private final Neighbours neighbours;
    private ScheduledFuture<?> sweeper;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The largest response head (status line and fields) an origin may send; a larger one gets 502. */
    static final int MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

    public UpstreamPool(EventLoop loop, Connector connector, EdgeMetrics metrics, Neighbours neighbours) {
        this.loop = loop;
        this.connector = connector;
        this.metrics = metrics;
        this.neighbours = neighbours;
    }

    /** This pool's event loop. */
    public EventLoop loop() {
        return loop;
    }

    EdgeMetrics metrics() {
        return metrics;
    }

    /**
     * Gets a connection to {@code endpoint}: an idle one, a new one, or, when the cluster is at its bound, the
     * next one released on this loop (waiting at most the cluster's connect timeout).
     *
     * <p>Must be called on this pool's event loop.
     */
    public Future<UpstreamConnection> acquire(ClusterState cluster, EndpointState endpoint) {
        ArrayDeque<H2Connection> shared = http2.get(endpoint);
        if (shared != null) {
            for (H2Connection h : shared) {
                if (h.canOpen()) {
                    return h.newStream();
                }
            }
        }
        ArrayDeque<UpstreamConnection> q = idle.get(endpoint);
        if (q != null) {
            UpstreamConnection c;
            while ((c = q.pollLast()) != null) {
                if (c.channel().isActive()) {
                    return loop.newSucceededFuture(c);
                }
            }
        }
        if (cluster.tryReserveConnection()) {
            return connect(cluster, endpoint);
        }
        if (!cluster.tryReservePending()) {
            metrics.upstreamError(cluster.tenant(), cluster.name(), "pool_full");
            return loop.newFailedFuture(new PoolFullException("upstream connection limit reached"));
        }
        Promise<UpstreamConnection> p = loop.newPromise();
        long timeout = cluster.config().connectTimeout().toNanos();
        Waiter[] self = new Waiter[1];
        ScheduledFuture<?> t = loop.schedule(() -> {
            ArrayDeque<Waiter> w = waiters.get(cluster);
            if (w != null && w.remove(self[0])) {
                cluster.releasePending();
                metrics.upstreamError(cluster.tenant(), cluster.name(), "pool_full");
                p.tryFailure(new PoolFullException("no upstream connection became free in time"));
            }
        }, timeout, TimeUnit.NANOSECONDS);
        self[0] = new Waiter(p, t);
        waiters.computeIfAbsent(cluster, k -> new ArrayDeque<>()).add(self[0]);
        neighbours.forEachOther(this, other -> other.closeOneIdle(cluster));
        return p;
    }

    /** Takes back a reusable connection: to a waiter of its cluster, else into the idle set. */
    void offer(UpstreamConnection c) {
        Waiter w = pollWaiter(c.cluster());
        if (w != null) {
            w.promise().setSuccess(c);
            return;
        }
        c.idleSince = System.nanoTime();
        idle.computeIfAbsent(c.endpoint(), k -> new ArrayDeque<>()).addLast(c);
        scheduleSweep();
        // Keep a read armed while idle. Offered from inside the read of the response's end, this leaves the
        // socket's read interest registered (no epoll_ctl pair per request), and the next exchange's read is a
        // no-op; anything but a close arriving on an idle connection closes it (UpstreamConnection.channelRead).
        c.channel().read();
    }

    /**
     * Closes connections idle longer than their cluster's idle timeout. One timer per pool, only while something
     * is idle, so returning a connection schedules nothing.
     */
    private void sweep() {
        sweeper = null;
        long now = System.nanoTime();
        boolean any = false;
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            // oldest first: stop at the first one still within its idle time
            for (UpstreamConnection c; (c = q.peekFirst()) != null; ) {
                if (now - c.idleSince < c.cluster().config().idleTimeout().toNanos()) {
                    break;
                }
                q.pollFirst();
                c.channel().close();
            }
            any |= !q.isEmpty();
        }
        for (ArrayDeque<H2Connection> q : http2.values()) {
            for (H2Connection h : q.toArray(new H2Connection[0])) {
                if (h.idle()) {
                    if (now - h.idleSince >= h.cluster().config().idleTimeout().toNanos()) {
                        h.channel().close();
                    } else {
                        any = true;
                    }
                }
            }
        }
        if (any) {
            sweeper = loop.schedule(this::sweep, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    void removeH2(H2Connection h) {
        ArrayDeque<H2Connection> q = http2.get(h.endpoint());
        if (q != null) {
            q.remove(h);
        }
    }

    /**
     * A stream of {@code h} closed: a waiter of its cluster gets a stream there, and an idle connection is swept
     * after its cluster's idle timeout.
     */
    void streamFreed(H2Connection h) {
        if (h.canOpen()) {
            Waiter w = pollWaiter(h.cluster());
            if (w != null) {
                PromiseNotifier.cascade(h.newStream(), w.promise());
                return;
            }
        }
        if (h.idle()) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        if (sweeper == null) {
            sweeper = loop.schedule(this::sweep, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    void removeIdle(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = idle.get(c.endpoint());
        if (q != null) {
            q.remove(c);
        }
    }

    /**
     * A connection of {@code cluster} closed: its slot is free, so a waiter may open a new one, here or, when none
     * waits here, on another loop.
     */
    void connectionClosed(ClusterState cluster) {
        ArrayDeque<Waiter> q = waiters.get(cluster);
        if (q == null || q.isEmpty()) {
            if (cluster.pending() > 0) {
                neighbours.forEachOther(this, other -> other.serveWaiter(cluster));
            }
            return;
        }
        serveWaiter(cluster);
    }

    /** Opens a connection for the first waiter of {@code cluster} when a slot is free. */
    private void serveWaiter(ClusterState cluster) {
        ArrayDeque<Waiter> q = waiters.get(cluster);
        if (q == null || q.isEmpty() || !cluster.tryReserveConnection()) {
            return;
        }
        Waiter w = pollWaiter(cluster);
        EndpointState e = cluster.pick(io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, null);
        PromiseNotifier.cascade(connect(cluster, e), w.promise());
    }

    private Waiter pollWaiter(ClusterState cluster) {
        ArrayDeque<Waiter> q = waiters.get(cluster);
        Waiter w = q == null ? null : q.poll();
        if (w != null) {
            w.timeout().cancel(false);
            cluster.releasePending();
        }
        return w;
    }

    /** Closes one idle connection of {@code cluster}, so that a loop waiting for a slot gets it. */
    private void closeOneIdle(ClusterState cluster) {
        for (EndpointState e : cluster.endpoints()) {
            ArrayDeque<UpstreamConnection> q = idle.get(e);
            UpstreamConnection c = q == null ? null : q.pollFirst();
            if (c != null) {
                c.channel().close();
                return;
            }
            ArrayDeque<H2Connection> shared = http2.get(e);
            if (shared != null) {
                for (H2Connection h : shared) {
                    if (h.idle()) {
                        h.channel().close();
                        return;
                    }
                }
            }
        }
    }

    /** Closes every idle connection, and every HTTP/2 connection without a stream, for shutdown and drain. */
    public void closeIdle() {
        for (ArrayDeque<UpstreamConnection> q : idle.values()) {
            for (UpstreamConnection c : q.toArray(new UpstreamConnection[0])) {
                c.channel().close();
            }
        }
        for (ArrayDeque<H2Connection> q : http2.values()) {
            for (H2Connection h : q.toArray(new H2Connection[0])) {
                if (h.idle()) {
                    h.channel().close();
                }
            }
        }
    }

    private static void addHttp1(Channel ch, UpstreamConnection conn) {
        ch.pipeline().addLast("http", new ResponseDecoder(MAX_RESPONSE_HEAD_BYTES));
        ch.pipeline().addLast("upstream", conn);
    }

    /**
     * A new connection is ready: over HTTP/1.1 it is the exchange's own; over HTTP/2 it joins the shared ones and
     * the exchange gets its first stream.
     */
    private void established(ClusterState cluster, EndpointState endpoint, Channel ch, UpstreamConnection conn,
                             boolean h2, Promise<UpstreamConnection> promise) {
        if (!h2) {
            conn.established();
            promise.trySuccess(conn);
            return;
        }
        H2Connection h = H2Connection.install(this, cluster, endpoint, ch);
        h.established();
        http2.computeIfAbsent(endpoint, k -> new ArrayDeque<>()).add(h);
        PromiseNotifier.cascade(h.newStream(), promise);
    }

    private Future<UpstreamConnection> connect(ClusterState cluster, EndpointState endpoint) {
        Cluster config = cluster.config();
        Endpoint ep = endpoint.endpoint();
        UpstreamConnection conn = new UpstreamConnection(this, cluster, endpoint);
        Promise<UpstreamConnection> promise = loop.newPromise();
        SslContext ssl = cluster.sslContext();
        String tlsName = config.tls().flatMap(t -> t.sni()).orElse(ep.host());
        int connectMillis = (int) Math.max(1, config.connectTimeout().toMillis());
        boolean wantH2 = config.http2();
        Bootstrap b = connector.bootstrap(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ReadsOffAtClose.addFirstIfIoUring(ch);
                        if (ssl != null) {
                            SslHandler h = ssl.newHandler(ch.alloc(), tlsName, ep.port());
                            h.setHandshakeTimeoutMillis(connectMillis);
                            ch.pipeline().addLast("tls", h).addLast("tls-release", SslEngineRelease.INSTANCE);
                        }
                        if (!wantH2) {
                            addHttp1(ch, conn); // an HTTP/2 cluster chooses its protocol once connected
                        }
                    }
                });
        config.sourceAddress().ifPresent(a -> b.localAddress(new InetSocketAddress(a, 0)));
        ChannelFuture cf = b.connect(ep.host(), ep.port());
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                conn.connectFailed();
                cluster.onFailure(endpoint);
                metrics.upstreamError(cluster.tenant(), cluster.name(), "connect");
                if (f.cause() instanceof io.netty.channel.ConnectTimeoutException) {
                    metrics.timeout("connect");
                }
                promise.tryFailure(f.cause());
                return;
            }
            Channel ch = cf.channel();
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) {
                established(cluster, endpoint, ch, conn, wantH2, promise); // HTTP/2 by prior knowledge
                return;
            }
            ch.read(); // the handshake needs reads while auto-read is off
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    // ALPN: an HTTP/2 cluster offers h2 and http/1.1, and speaks what the origin chose
                    boolean h2 = wantH2 && ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol());
                    if (wantH2 && !h2) {
                        addHttp1(ch, conn);
                    }
                    established(cluster, endpoint, ch, conn, h2, promise);
                } else {
                    cluster.onFailure(endpoint);
                    metrics.upstreamError(cluster.tenant(), cluster.name(), "tls");
                    promise.tryFailure(h.cause());
                    ch.close();
                }
            });
        });
        return promise;
    }
}
