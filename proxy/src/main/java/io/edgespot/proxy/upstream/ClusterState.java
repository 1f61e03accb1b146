package io.edgespot.proxy.upstream;

import io.edgespot.proxy.config.EdgeConfig.Cluster;
import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime side of one configured cluster: endpoint health, balancing and the cluster-wide bounds.
 *
 * <p>Shared by all event loops. Connections themselves live in per-event-loop pools
 * ({@link UpstreamPool}); this object only counts them, so the bounds hold across loops.
 */
public final class ClusterState {

    private final String tenant;
    private final Cluster config;
    private final List<EndpointState> endpoints;
    private final Balancer balancer;
    private final SslContext sslContext;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger activeRetries = new AtomicInteger();

    /**
     * Creates the state of one cluster.
     *
     * @param tenant     owning tenant
     * @param config     the cluster's config
     * @param sslContext client TLS context for upstream connections, or null for plain TCP
     */
    public ClusterState(String tenant, Cluster config, SslContext sslContext) {
        this.tenant = tenant;
        this.config = config;
        this.sslContext = sslContext;
        List<EndpointState> list = new ArrayList<>();
        for (Endpoint e : config.endpoints()) {
            list.add(new EndpointState(e, config.outlier()));
        }
        this.endpoints = List.copyOf(list);
        this.balancer = Balancers.create(config.balancer(), endpoints);
    }

    public String tenant() {
        return tenant;
    }

    public String name() {
        return config.name();
    }

    public Cluster config() {
        return config;
    }

    public List<EndpointState> endpoints() {
        return endpoints;
    }

    /** Client TLS context, or null when the cluster is plain TCP. */
    public SslContext sslContext() {
        return sslContext;
    }

    /**
     * Picks an endpoint for a request. When no endpoint is available, panic mode spreads the load
     * over all of them rather than failing every request.
     *
     * @param headers request headers, for hash-based affinity
     * @param exclude an endpoint to avoid (the one a retry just failed on), or null
     * @return the chosen endpoint; never null
     */
    public EndpointState pick(HttpHeaders headers, EndpointState exclude) {
        long now = System.nanoTime();
        int n = endpoints.size();
        boolean[] usable = new boolean[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            EndpointState e = endpoints.get(i);
            usable[i] = e.available(now) && e != exclude;
            count += usable[i] ? 1 : 0;
        }
        if (count == 0) {
            for (int i = 0; i < n; i++) {
                usable[i] = endpoints.get(i) != exclude || n == 1;
            }
        }
        int idx = balancer.pick(endpoints, usable, hashKey(headers));
        return endpoints.get(idx < 0 ? 0 : idx);
    }

    /** Whether at least one endpoint is available (not ejected, passing health checks). */
    public boolean anyAvailable() {
        long now = System.nanoTime();
        for (EndpointState e : endpoints) {
            if (e.available(now)) {
                return true;
            }
        }
        return false;
    }

    private String hashKey(HttpHeaders headers) {
        if (config.hashOn().isEmpty()) {
            return null;
        }
        String spec = config.hashOn().get();
        String name = spec.substring(spec.indexOf(':') + 1);
        if (spec.startsWith("header:")) {
            return headers.get(name);
        }
        String cookieHeader = headers.get(HttpHeaderNames.COOKIE);
        if (cookieHeader == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(cookieHeader)) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }

    /** Reserves a new connection slot; false when the cluster is at its connection bound. */
    boolean tryReserveConnection() {
        while (true) {
            int c = connections.get();
            if (c >= config.maxConnections()) {
                return false;
            }
            if (connections.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    void releaseConnection() {
        connections.decrementAndGet();
    }

    /** Reserves a pending slot for a request waiting on a new connection; false when full. */
    boolean tryReservePending() {
        if (pending.incrementAndGet() > config.maxPending()) {
            pending.decrementAndGet();
            return false;
        }
        return true;
    }

    void releasePending() {
        pending.decrementAndGet();
    }

    /** Requests waiting for a connection of this cluster, on any loop. */
    int pending() {
        return pending.get();
    }

    /** Open upstream connections of this cluster. */
    public int connections() {
        return connections.get();
    }

    /** Requests in flight to this cluster. */
    public int activeRequests() {
        return activeRequests.get();
    }

    /** Marks a request as started; pairs with {@link #requestFinished()}. */
    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestFinished() {
        activeRequests.decrementAndGet();
    }

    /**
     * Claims a retry from the retry budget: retries in flight may be at most {@code percent}% of the
     * requests in flight (at least one), so retries cannot multiply load during an outage.
     */
    public boolean tryStartRetry(int percent) {
        int allowed = Math.max(1, activeRequests.get() * percent / 100);
        if (activeRetries.incrementAndGet() > allowed) {
            activeRetries.decrementAndGet();
            return false;
        }
        return true;
    }

    public void retryFinished() {
        activeRetries.decrementAndGet();
    }

    /** Records a response status from an endpoint, for outlier ejection. */
    public void onResponse(EndpointState endpoint, int status) {
        endpoint.onResponse(status, status >= 500 ? System.nanoTime() : 0); // the time only matters to an ejection
    }

    /** Records a connect failure or reset at an endpoint, for outlier ejection. */
    public void onFailure(EndpointState endpoint) {
        endpoint.onFailure(System.nanoTime());
    }
}
