package io.edgespot.proxy.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.edgespot.cache.HttpCache;
import io.edgespot.proxy.admin.AccessLog;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.upstream.Connector;
import io.edgespot.proxy.upstream.UpstreamPool;
import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection of one server shares: the live config generation, metrics, the per-loop upstream pools
 * and flushers, and the drain flag.
 */
final class ProxyContext {

    private final AtomicReference<EdgeRuntime> runtime;
    private final EdgeMetrics metrics;
    private final Connector connector;
    private final ConcurrentHashMap<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EventLoop, LoopFlusher> flushers = new ConcurrentHashMap<>();
    private final HttpCache cache;
    private final WebSocketCaps webSockets = new WebSocketCaps();
    private final ClientRequestRates requestRates = new ClientRequestRates(Ticker.systemTicker());
    private volatile boolean draining;

    private final AccessLog accessLog;

    ProxyContext(EdgeRuntime initial, EdgeMetrics metrics, Connector connector, HttpCache cache,
                 AccessLog accessLog) {
        this.runtime = new AtomicReference<>(initial);
        this.metrics = metrics;
        this.connector = connector;
        this.cache = cache;
        this.accessLog = accessLog;
    }

    /** The access log, or null when it is off. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** The shared cache, or null when the instance runs without one. */
    HttpCache cache() {
        return cache;
    }

    EdgeRuntime runtime() {
        return runtime.get();
    }

    void swap(EdgeRuntime next) {
        runtime.set(next);
    }

    EdgeMetrics metrics() {
        return metrics;
    }

    /** Per-client request rates, for {@code limits.maxRequestsPerSecondPerClient}. */
    ClientRequestRates requestRates() {
        return requestRates;
    }

    /** The batched flusher of {@code loop}; created on first use. */
    LoopFlusher flusher(EventLoop loop) {
        LoopFlusher f = flushers.get(loop);
        return f != null ? f : flushers.computeIfAbsent(loop, LoopFlusher::new);
    }

    /** The upstream pool of {@code loop}; created on first use. */
    UpstreamPool pool(EventLoop loop) {
        UpstreamPool p = pools.get(loop);
        return p != null ? p : pools.computeIfAbsent(loop,
                l -> new UpstreamPool(l, connector, metrics, this::forEachOther));
    }

    private void forEachOther(UpstreamPool self, java.util.function.Consumer<UpstreamPool> action) {
        for (UpstreamPool other : pools.values()) {
            if (other != self) {
                other.loop().execute(() -> action.accept(other));
            }
        }
    }

    Iterable<java.util.Map.Entry<EventLoop, UpstreamPool>> pools() {
        return pools.entrySet();
    }

    WebSocketCaps webSockets() {
        return webSockets;
    }

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
