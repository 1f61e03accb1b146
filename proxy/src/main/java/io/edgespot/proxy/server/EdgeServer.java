package io.edgespot.proxy.server;

import io.edgespot.cache.HttpCache;
import io.edgespot.crypto.tls.TlsMaterialException;
import io.edgespot.proxy.admin.AccessLog;
import io.edgespot.proxy.cache.SealerFactory;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.EdgeConfig.Listener;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.upstream.Connector;
import io.edgespot.proxy.upstream.HealthChecker;
import io.edgespot.proxy.upstream.UpstreamPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one instance: its listeners, event loops, upstream pools and health checks.
 *
 * <p>Started once; a reload swaps the config generation that new requests see, without touching open
 * connections or listeners.
 */
public final class EdgeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

    private final EdgeMetrics metrics;
    private final HttpCache cache;
    private final SealerFactory sealers;
    private final Transport transport;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ProxyContext px;
    private final HealthChecker health;
    /** Resolves upstream hostnames without blocking an event loop; closed with the server. */
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final AtomicInteger connections = new AtomicInteger();
    private final ClientConnections clients = new ClientConnections();
    private final Map<String, Channel> bound = new LinkedHashMap<>();
    /** Set by the first {@link #close()}: a failed start closes the server, and then its instance closes it again. */
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ChannelGroup downstream;

    /**
     * Builds the server, whose cache seals every tenant's entries under its Tink keys
     * ({@link SealerFactory#TENANT_KEYS}); nothing listens before {@link #start()}.
     *
     * @param cache the shared HTTP cache, or null to run without one
     * @param accessLog where to log each request, or null for no access log
     * @throws TlsMaterialException when a certificate, key or CA file cannot be used
     * @throws io.edgespot.crypto.KeyException when the KEK or a tenant keyset cannot be opened
     */
    public EdgeServer(EdgeConfig config, EdgeMetrics metrics, HttpCache cache, AccessLog accessLog)
            throws TlsMaterialException {
        this(config, metrics, cache, accessLog, SealerFactory.TENANT_KEYS);
    }

    /**
     * Builds the server with the given cache sealers; nothing listens before {@link #start()}.
     *
     * @param cache the shared HTTP cache, or null to run without one
     * @param accessLog where to log each request, or null for no access log
     * @param sealers makes each caching tenant's sealer from its keys, at start and on every reload
     * @throws TlsMaterialException when a certificate, key or CA file cannot be used
     * @throws io.edgespot.crypto.KeyException when the KEK or a tenant keyset cannot be opened
     */
    public EdgeServer(EdgeConfig config, EdgeMetrics metrics, HttpCache cache, AccessLog accessLog,
                      SealerFactory sealers) throws TlsMaterialException {
        this.metrics = metrics;
        this.cache = cache;
        this.sealers = Objects.requireNonNull(sealers, "sealers");
        this.transport = Transport.choose(config.server().transport());
        EdgeRuntime runtime = EdgeRuntime.build(config, null, metrics);
        if (cache != null) {
            CacheTenants.apply(cache, config, sealers);
        }
        this.resolver = transport.newResolverGroup();
        Connector connector = new Connector(transport.socketChannel(), resolver, DirectAllocator.INSTANCE);
        this.px = new ProxyContext(runtime, metrics, connector, cache, accessLog);
        this.bossGroup = transport.newGroup(1, "edgespot-accept");
        this.workerGroup = transport.newGroup(config.server().eventLoops(), "edgespot-io");
        this.downstream = new DefaultChannelGroup("downstream", GlobalEventExecutor.INSTANCE);
        this.health = new HealthChecker(workerGroup.next(), connector, metrics);
        metrics.setConfigGeneration(runtime.generation());
    }

    /**
     * Binds every listener.
     *
     * @return the bound address of each listener by name (useful with port 0)
     * @throws BindException naming the listener and address when a port is taken
     */
    public Map<String, InetSocketAddress> start() throws BindException, InterruptedException {
        EdgeConfig config = px.runtime().config();
        for (Listener l : config.listeners()) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, DirectAllocator.INSTANCE)
                    .childHandler(new DownstreamInitializer(px, l, connections, clients, downstream));
            try {
                Channel ch = b.bind(l.address()).sync().channel();
                bound.put(l.name(), ch);
            } catch (Exception e) {
                close();
                BindException be = new BindException("listeners[" + l.name() + "]: cannot listen on "
                        + l.address().getHostString() + ":" + l.address().getPort() + ": " + e.getMessage());
                be.initCause(e);
                throw be;
            }
        }
        health.start(px.runtime().clusters());
        Map<String, InetSocketAddress> addresses = addresses();
        addresses.forEach((name, a) -> LOG.info("listening on {}:{} ({}, {})", a.getHostString(), a.getPort(),
                name, transport.name()));
        return addresses;
    }

    /** The bound address of each listener. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        bound.forEach((n, ch) -> out.put(n, (InetSocketAddress) ch.localAddress()));
        return out;
    }

    /** The socket transport the server runs on: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return transport.name();
    }

    /** The running config. */
    public EdgeConfig config() {
        return px.runtime().config();
    }

    /** The server TLS of every TLS listener, for certificate reloads. */
    public java.util.Collection<io.edgespot.crypto.tls.ServerTls> serverTls() {
        return px.runtime().tls().values();
    }

    /** The running config generation. */
    public long generation() {
        return px.runtime().generation();
    }

    /**
     * Swaps in a new config: new requests use it at once, requests in flight finish on the old one.
     * Listener changes need a restart and are reported.
     *
     * @return problems that kept parts of the config from applying (empty when all of it applied)
     * @throws TlsMaterialException when a certificate, key or CA file cannot be used; nothing changes then
     */
    public List<String> reload(EdgeConfig next) throws TlsMaterialException {
        List<String> notes = new ArrayList<>();
        if (!next.listeners().equals(px.runtime().config().listeners())) {
            notes.add("listeners: changes take effect after a restart");
        }
        EdgeRuntime runtime = EdgeRuntime.build(next, px.runtime(), metrics);
        if (cache != null) {
            CacheTenants.apply(cache, next, sealers);
        }
        px.swap(runtime);
        health.start(runtime.clusters());
        metrics.setConfigGeneration(runtime.generation());
        return notes;
    }

    /** Clusters with an active health check and no available endpoint, as {@code tenant/cluster}. */
    public List<String> unhealthyClusters() {
        List<String> out = new ArrayList<>();
        for (TenantRuntime t : px.runtime().tenants().values()) {
            t.clusters().values().forEach(c -> {
                if (c.config().healthCheck().isPresent() && !c.anyAvailable()) {
                    out.add(t.name() + "/" + c.name());
                }
            });
        }
        return out;
    }

    /** The runtime state of every cluster, by tenant. */
    public Map<String, List<io.edgespot.proxy.upstream.ClusterState>> clusters() {
        Map<String, List<io.edgespot.proxy.upstream.ClusterState>> out = new LinkedHashMap<>();
        px.runtime().tenants().forEach((name, t) -> out.put(name, List.copyOf(t.clusters().values())));
        return out;
    }

    /** Open WebSockets, on the instance and per tenant. */
    public int webSockets() {
        return px.webSockets().total();
    }

    public int webSockets(String tenant) {
        return px.webSockets().tenant(tenant);
    }

    /**
     * Starts draining: idle HTTP/1.1 connections close now and busy ones after their current response, HTTP/2
     * connections get GOAWAY. Listeners stay open (new connections are served and closed the same way) until
     * {@link #close()}, so the anycast route can be withdrawn first.
     */
    public void startDraining() {
        px.startDraining();
        metrics.setDraining(true);
        DrainEvent drain = new DrainEvent(px.runtime().config().server().drainWindow());
        for (Channel ch : downstream) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(drain));
        }
    }

    public boolean draining() {
        return px.draining();
    }

    /** Open downstream connections. */
    public int connections() {
        return connections.get();
    }

    /**
     * Stops listening, lets requests in flight finish for up to the shutdown grace, then closes everything.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Channel ch : bound.values()) {
            ch.close().awaitUninterruptibly();
        }
        bound.clear();
        health.stop();
        Duration grace = px.runtime().config().server().shutdownGrace();
        Duration window = px.runtime().config().server().drainWindow();
        if (!draining()) {
            startDraining();
        }
        if (px.webSockets().total() > 0 && window.plusSeconds(2).compareTo(grace) > 0) {
            grace = window.plusSeconds(2); // let the spread-out WebSocket closes happen
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (connections.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        downstream.close().awaitUninterruptibly();
        for (Map.Entry<EventLoop, UpstreamPool> e : px.pools()) {
            e.getKey().execute(e.getValue()::closeIdle);
        }
        resolver.close(); // its UDP channels close on their event loops, which must still run to finish that
        workerGroup.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
