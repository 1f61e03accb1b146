package io.edgespot.proxy.metrics;

import io.edgespot.cache.CacheListener;
import io.edgespot.cache.TenantStats;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every metric edgespot exports, on a {@link PrometheusRegistry} owned by the caller.
 *
 * <p>Names start with {@code edgespot_}. Label values are tenant names, route indexes, cluster,
 * listener names and small fixed vocabularies (code classes, error kinds, reasons): never paths, client
 * addresses or secrets, so the number of series stays bounded by the config.
 *
 * <p>The recording methods are called from Netty event loops on the hot path. They never block, and
 * once a label combination has been seen they find its data point again without allocating (one
 * nested map level per label). Call {@link #removeTenant} after a tenant is revoked or reloaded away, when it no
 * longer takes traffic; a late call for that tenant would start its series afresh.
 */
public final class EdgeMetrics {

    /** Request and upstream duration buckets, in seconds: 1 ms to 60 s. */
    private static final double[] DURATION_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final String[] CODE_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String OTHER_CODE_CLASS = "other";

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final List<Series<?>> tenantSeries = new ArrayList<>();

    private final Counter requestCounter;
    private final Series<CounterDataPoint> requests;
    private final Series<DistributionDataPoint> requestDuration;
    private final Series<DistributionDataPoint> upstreamDuration;
    private final Series<CounterDataPoint> upstreamErrors;
    private final Series<CounterDataPoint> timeouts;
    private final Series<CounterDataPoint> rejected;
    private final Series<GaugeDataPoint> downstreamConnections;
    private final Series<CounterDataPoint> downstreamConnectionsTotal;
    private final Series<GaugeDataPoint> upstreamConnections;
    private final Series<CounterDataPoint> tlsHandshakes;
    private final Series<GaugeDataPoint> endpointsHealthy;
    private final Series<GaugeDataPoint> endpoints;
    private final Series<GaugeDataPoint> webSocketsActive;
    private final Series<CounterDataPoint> webSocketsClosed;
    private final Series<CounterDataPoint> webSocketsRejected;
    private final Gauge draining;
    private final Gauge configGeneration;
    private final CacheListener cacheListener;
    private volatile Supplier<Map<String, TenantStats>> cacheStats = Map::of;

    /**
     * Registers every edgespot metric, the JVM metrics and the Netty allocator gauges.
     *
     * @param registry the registry to register with; a fresh one per instance, not the default registry
     */
    public EdgeMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        requestCounter = Counter.builder().name("edgespot_requests_total")
                .help("Downstream requests answered, by tenant, route index and status class")
                .labelNames("tenant", "route", "code_class").withoutExemplars().register(registry);
        requests = track(new Series<>(requestCounter), true);
        requestDuration = histogram("edgespot_request_duration_seconds",
                "Time from request head to the last response byte", "tenant", "route");
        upstreamDuration = histogram("edgespot_upstream_request_duration_seconds",
                "Time from sending a request upstream to the end of its response", "tenant", "cluster");
        upstreamErrors = counter("edgespot_upstream_errors_total",
                "Upstream failures by kind: connect, tls, reset, timeout, protocol, pool_full",
                "tenant", "cluster", "kind");
        timeouts = counter("edgespot_timeouts_total",
                "Timeouts by kind: header, idle, connect, first_byte, total", "kind");
        rejected = counter("edgespot_rejected_requests_total",
                "Requests refused before reaching an upstream, by reason", "reason");
        downstreamConnections = gauge("edgespot_downstream_connections",
                "Open downstream connections per listener", "listener");
        downstreamConnectionsTotal = counter("edgespot_downstream_connections_accepted_total",
                "Downstream connections accepted per listener (not _total of the gauge above: the names would clash)",
                "listener");
        upstreamConnections = gauge("edgespot_upstream_connections",
                "Open upstream connections per cluster", "tenant", "cluster");
        tlsHandshakes = counter("edgespot_tls_handshakes_total",
                "Downstream TLS handshakes by protocol version and result (ok, unknown_sni, failed)",
                "listener", "version", "result");
        endpointsHealthy = gauge("edgespot_cluster_endpoints_healthy",
                "Endpoints currently healthy and not ejected", "tenant", "cluster");
        endpoints = gauge("edgespot_cluster_endpoints", "Endpoints configured", "tenant", "cluster");
        webSocketsActive = gauge("edgespot_websockets_active", "Open proxied WebSockets", "tenant");
        webSocketsClosed = counter("edgespot_websockets_closed_total",
                "Proxied WebSockets closed, by reason", "tenant", "reason");
        webSocketsRejected = counter("edgespot_websockets_rejected_total",
                "WebSocket upgrades refused, by reason", "tenant", "reason");
        draining = Gauge.builder().name("edgespot_draining")
                .help("1 while the instance drains, 0 otherwise").withoutExemplars().register(registry);
        configGeneration = Gauge.builder().name("edgespot_config_generation")
                .help("Generation of the applied config, incremented by each successful reload")
                .withoutExemplars().register(registry);
        cacheListener = new CacheCounters();
        registerCacheStatsGauges();
        registerNettyGauges();
        registerJvmMetrics();
    }

    /**
     * The JVM families of {@code JvmMetrics}, but for {@code jvm_memory_pool_allocated_bytes_total}: that one listens
     * for garbage collection notifications, and while any listener does, the JVM builds a {@code GcInfo} for every
     * collection on its notification thread. On a proxy pinned to one CPU that thread took about 2 ms at every young
     * collection (one every 0.65 s at 60k requests/s), and the safepoint waited for it: the pause seen by the event
     * loop grew from about 1 ms to 2.6 ms on average. The collectors' counts and times stay, read at scrape time.
     */
    private void registerJvmMetrics() {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /**
     * Records a finished downstream request.
     *
     * @param tenant        the tenant, or {@code "-"} when no tenant matched
     * @param route         the route index as a string, or {@code "-"}
     * @param status        the response status code sent
     * @param durationNanos time from the request head to the last response byte
     */
    public void requestFinished(String tenant, String route, int status, long durationNanos) {
        requests.get(tenant, route, codeClass(status)).inc();
        requestDuration.get(tenant, route).observe(seconds(durationNanos));
    }

    /** Records a finished upstream exchange of a cluster. */
    public void upstreamFinished(String tenant, String cluster, long durationNanos) {
        upstreamDuration.get(tenant, cluster).observe(seconds(durationNanos));
    }

    /**
     * Records an upstream failure.
     *
     * @param kind one of {@code connect}, {@code tls}, {@code reset}, {@code timeout}, {@code protocol},
     *             {@code pool_full}
     */
    public void upstreamError(String tenant, String cluster, String kind) {
        upstreamErrors.get(tenant, cluster, kind).inc();
    }

    /**
     * Records a timeout.
     *
     * @param kind one of {@code header}, {@code idle}, {@code connect}, {@code first_byte}, {@code total}
     */
    public void timeout(String kind) {
        timeouts.get(kind).inc();
    }

    /**
     * Records a request refused before routing or forwarding.
     *
     * @param reason e.g. {@code bad_request}, {@code header_too_large}, {@code uri_too_long},
     *               {@code body_too_large}, {@code misdirected}, {@code no_route}, {@code unknown_host},
     *               {@code max_connections}, {@code max_connections_per_client}, {@code rate_limited},
     *               {@code draining}
     */
    public void rejected(String reason) {
        rejected.get(reason).inc();
    }

    /** Records an accepted downstream connection. */
    public void downstreamConnectionOpened(String listener) {
        downstreamConnections.get(listener).inc();
        downstreamConnectionsTotal.get(listener).inc();
    }

    /** Records a closed downstream connection. */
    public void downstreamConnectionClosed(String listener) {
        downstreamConnections.get(listener).dec();
    }

    /** Records an opened upstream connection. */
    public void upstreamConnectionOpened(String tenant, String cluster) {
        upstreamConnections.get(tenant, cluster).inc();
    }

    /** Records a closed upstream connection. */
    public void upstreamConnectionClosed(String tenant, String cluster) {
        upstreamConnections.get(tenant, cluster).dec();
    }

    /**
     * Records a downstream TLS handshake.
     *
     * @param version the negotiated protocol, e.g. {@code TLSv1.3}, or {@code "-"} when it failed early
     * @param result  {@code ok}, {@code unknown_sni} or {@code failed}
     */
    public void tlsHandshake(String listener, String version, String result) {
        tlsHandshakes.get(listener, version, result).inc();
    }

    /** Publishes how many of a cluster's endpoints are healthy and not ejected. */
    public void endpointHealth(String tenant, String cluster, int healthy, int total) {
        endpointsHealthy.get(tenant, cluster).set(healthy);
        endpoints.get(tenant, cluster).set(total);
    }

    /** Records an opened proxied WebSocket. */
    public void webSocketOpened(String tenant) {
        webSocketsActive.get(tenant).inc();
    }

    /**
     * Records a closed proxied WebSocket.
     *
     * @param reason e.g. {@code client}, {@code upstream}, {@code idle}, {@code frame_too_large}, {@code drain}
     */
    public void webSocketClosed(String tenant, String reason) {
        webSocketsActive.get(tenant).dec();
        webSocketsClosed.get(tenant, reason).inc();
    }

    /**
     * Records a refused WebSocket upgrade.
     *
     * @param reason e.g. {@code instance_cap}, {@code tenant_cap}, {@code route_cap}, {@code not_allowed}
     */
    public void webSocketRejected(String tenant, String reason) {
        webSocketsRejected.get(tenant, reason).inc();
    }

    /** Publishes whether the instance is draining. */
    public void setDraining(boolean value) {
        draining.set(value ? 1 : 0);
    }

    /** Publishes the generation of the applied config. */
    public void setConfigGeneration(long generation) {
        configGeneration.set(generation);
    }

    /**
     * Returns the adapter to hand to the cache ({@code HttpCacheBuilder.listener}), which counts cache
     * events per tenant.
     */
    public CacheListener cacheListener() {
        return cacheListener;
    }

    /**
     * Sets where the gauges {@code edgespot_cache_entries}, {@code edgespot_cache_bytes} and
     * {@code edgespot_cache_max_bytes} (all labelled by tenant) read their values at scrape time.
     *
     * <p>The supplier is called on the scraping thread, once per gauge per scrape, and must be cheap
     * and thread-safe, e.g. one {@code HttpCache.stats(tenant)} per configured tenant. Tenants missing
     * from its map simply have no series. A later call replaces the supplier (e.g. after a reload).
     *
     * @param statsByTenant current cache statistics keyed by tenant name
     */
    public void registerCacheGauges(Supplier<Map<String, TenantStats>> statsByTenant) {
        cacheStats = statsByTenant;
    }

    /** Drops every series labelled with {@code tenant}, after it was revoked or removed by a reload. */
    public void removeTenant(String tenant) {
        for (Series<?> s : tenantSeries) {
            s.removeFirst(tenant);
        }
    }

    /**
     * Returns the request count and the 5xx count per tenant since start, for rates on the status page.
     * It reads a snapshot of the request counter; not meant for the hot path.
     */
    public Map<String, RequestTotals> requestTotalsByTenant() {
        Map<String, long[]> sums = new TreeMap<>();
        for (CounterDataPointSnapshot p : requestCounter.collect().getDataPoints()) {
            long[] sum = sums.computeIfAbsent(p.getLabels().get("tenant"), t -> new long[2]);
            long value = (long) p.getValue();
            sum[0] += value;
            if ("5xx".equals(p.getLabels().get("code_class"))) {
                sum[1] += value;
            }
        }
        Map<String, RequestTotals> totals = new TreeMap<>();
        sums.forEach((tenant, sum) -> totals.put(tenant, new RequestTotals(sum[0], sum[1])));
        return totals;
    }

    /**
     * Renders every metric of the registry. OpenMetrics text when {@code acceptHeader} asks for
     * {@code application/openmetrics-text}, the Prometheus text format otherwise.
     *
     * @param acceptHeader the scraper's {@code Accept} header, possibly {@code null}
     */
    public Scrape scrape(String acceptHeader) {
        ExpositionFormatWriter writer = formats.getOpenMetricsTextFormatWriter();
        if (acceptHeader == null || !writer.accepts(acceptHeader)) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    /**
     * A rendered scrape.
     *
     * @param contentType the {@code Content-Type} to answer with
     * @param body        the exposition text
     */
    public record Scrape(String contentType, byte[] body) {
    }

    /**
     * Counts of one tenant's requests since start.
     *
     * @param requests     requests answered
     * @param serverErrors of which answered with a 5xx status
     */
    public record RequestTotals(long requests, long serverErrors) {
    }

    /** Counts the cache's events per tenant; every method is a counter increment. */
    private final class CacheCounters implements CacheListener {
        private final Series<CounterDataPoint> hits = counter("edgespot_cache_hits_total",
                "Fresh stored responses served", "tenant");
        private final Series<CounterDataPoint> misses = counter("edgespot_cache_misses_total",
                "Lookups that went to the origin", "tenant");
        private final Series<CounterDataPoint> stale = counter("edgespot_cache_stale_total",
                "Stale stored responses served", "tenant");
        private final Series<CounterDataPoint> revalidated = counter("edgespot_cache_revalidated_total",
                "Stored responses revalidated by a 304 and served", "tenant");
        private final Series<CounterDataPoint> coalesced = counter("edgespot_cache_coalesced_total",
                "Requests that waited for another request's origin fetch", "tenant");
        private final Series<CounterDataPoint> bypass = counter("edgespot_cache_bypass_total",
                "Requests that bypassed the cache", "tenant");
        private final Series<CounterDataPoint> stores = counter("edgespot_cache_stores_total",
                "Responses stored", "tenant");
        private final Series<CounterDataPoint> storedBytes = counter("edgespot_cache_stored_bytes_total",
                "Sealed bytes stored", "tenant");
        private final Series<CounterDataPoint> evictions = counter("edgespot_cache_evictions_total",
                "Entries evicted to keep the tenant within its quota", "tenant");
        private final Series<CounterDataPoint> evictedBytes = counter("edgespot_cache_evicted_bytes_total",
                "Sealed bytes evicted", "tenant");
        private final Series<CounterDataPoint> purged = counter("edgespot_cache_purged_total",
                "Stored variants purged or invalidated", "tenant");
        private final Series<CounterDataPoint> decryptFailures = counter("edgespot_cache_decrypt_failures_total",
                "Stored entries that failed to open and were dropped", "tenant");

        @Override
        public void hit(String tenant) {
            hits.get(tenant).inc();
        }

        @Override
        public void miss(String tenant) {
            misses.get(tenant).inc();
        }

        @Override
        public void stale(String tenant) {
            stale.get(tenant).inc();
        }

        @Override
        public void revalidated(String tenant) {
            revalidated.get(tenant).inc();
        }

        @Override
        public void coalesced(String tenant) {
            coalesced.get(tenant).inc();
        }

        @Override
        public void bypass(String tenant) {
            bypass.get(tenant).inc();
        }

        @Override
        public void stored(String tenant, long bytes) {
            stores.get(tenant).inc();
            storedBytes.get(tenant).inc(bytes);
        }

        @Override
        public void evicted(String tenant, long bytes) {
            evictions.get(tenant).inc();
            evictedBytes.get(tenant).inc(bytes);
        }

        @Override
        public void purged(String tenant, long count) {
            purged.get(tenant).inc(count);
        }

        @Override
        public void decryptFailed(String tenant) {
            decryptFailures.get(tenant).inc();
        }
    }

    static String codeClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? CODE_CLASSES[c - 1] : OTHER_CODE_CLASS;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private Series<CounterDataPoint> counter(String name, String help, String... labels) {
        Counter c = Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars()
                .register(registry);
        return track(new Series<>(c), labels[0].equals("tenant"));
    }

    private Series<GaugeDataPoint> gauge(String name, String help, String... labels) {
        Gauge g = Gauge.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
        return track(new Series<>(g), labels[0].equals("tenant"));
    }

    private Series<DistributionDataPoint> histogram(String name, String help, String... labels) {
        Histogram h = Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labels)
                .classicOnly().classicUpperBounds(DURATION_BUCKETS).withoutExemplars().register(registry);
        return track(new Series<>(h), labels[0].equals("tenant"));
    }

    private <S extends Series<?>> S track(S series, boolean byTenant) {
        if (byTenant) {
            tenantSeries.add(series);
        }
        return series;
    }

    private void registerCacheStatsGauges() {
        callbackGauge("edgespot_cache_entries", "Stored cache keys", null, "tenant",
                cb -> cacheStats.get().forEach((t, s) -> cb.call(s.entries(), t)));
        callbackGauge("edgespot_cache_bytes", "Sealed size of the stored cache entries", Unit.BYTES, "tenant",
                cb -> cacheStats.get().forEach((t, s) -> cb.call(s.bytes(), t)));
        callbackGauge("edgespot_cache_max_bytes", "The tenant's cache quota", Unit.BYTES, "tenant",
                cb -> cacheStats.get().forEach((t, s) -> cb.call(s.maxBytes(), t)));
    }

    private void callbackGauge(String name, String help, Unit unit, String label,
                               Consumer<GaugeWithCallback.Callback> callback) {
        GaugeWithCallback.Builder b = GaugeWithCallback.builder().name(name).help(help).callback(callback);
        if (unit != null) {
            b.unit(unit);
        }
        if (label != null) {
            b.labelNames(label);
        }
        b.register(registry);
    }

    private void registerNettyGauges() {
        PooledByteBufAllocatorMetric pooled = PooledByteBufAllocator.DEFAULT.metric();
        callbackGauge("edgespot_netty_pooled_direct_bytes", "Direct memory used by Netty's pooled allocator",
                Unit.BYTES, null, cb -> cb.call(pooled.usedDirectMemory()));
        callbackGauge("edgespot_netty_pooled_heap_bytes", "Heap memory used by Netty's pooled allocator",
                Unit.BYTES, null, cb -> cb.call(pooled.usedHeapMemory()));
        callbackGauge("edgespot_netty_pooled_arenas", "Arenas of Netty's pooled allocator", null,
                "memory", cb -> {
                    cb.call(pooled.numDirectArenas(), "direct");
                    cb.call(pooled.numHeapArenas(), "heap");
                });
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                && ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            ByteBufAllocatorMetric metric = provider.metric();
            callbackGauge("edgespot_netty_default_allocator_direct_bytes",
                    "Direct memory used by Netty's default allocator (adaptive unless io.netty.allocator.type is set)",
                    Unit.BYTES, null, cb -> cb.call(metric.usedDirectMemory()));
            callbackGauge("edgespot_netty_default_allocator_heap_bytes",
                    "Heap memory used by Netty's default allocator", Unit.BYTES, null,
                    cb -> cb.call(metric.usedHeapMemory()));
        }
    }
}
