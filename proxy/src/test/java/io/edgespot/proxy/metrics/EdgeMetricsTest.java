package io.edgespot.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.edgespot.cache.CacheListener;
import io.edgespot.cache.TenantStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.junit.jupiter.api.Test;

final class EdgeMetricsTest {

    private static final Set<String> FORBIDDEN_LABELS = Set.of("path", "url", "uri", "client", "address",
            "ip", "remote", "host", "token", "key", "query");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);

    private String text() {
        return new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
    }

    @Test
    void requestsAreCountedByCodeClassAndTimed() {
        metrics.requestFinished("acme", "0", 200, 2_000_000);
        metrics.requestFinished("acme", "0", 204, 3_000_000);
        metrics.requestFinished("acme", "1", 503, 40_000_000);
        metrics.requestFinished("-", "-", 421, 1_000);
        metrics.requestFinished("acme", "0", 0, 1_000);

        String text = text();
        assertThat(text)
                .contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"acme\"} 2")
                .contains("edgespot_requests_total{code_class=\"5xx\",route=\"1\",tenant=\"acme\"} 1")
                .contains("edgespot_requests_total{code_class=\"4xx\",route=\"-\",tenant=\"-\"} 1")
                .contains("edgespot_requests_total{code_class=\"other\",route=\"0\",tenant=\"acme\"} 1")
                .contains("edgespot_request_duration_seconds_bucket{route=\"0\",tenant=\"acme\",le=\"0.0025\"} 2")
                .contains("edgespot_request_duration_seconds_count{route=\"0\",tenant=\"acme\"} 3")
                .contains("# TYPE edgespot_request_duration_seconds histogram");
        assertThat(value(text, "edgespot_request_duration_seconds_sum{route=\"1\",tenant=\"acme\"}"))
                .isCloseTo(0.04, within(1e-9));
        assertThat(metrics.requestTotalsByTenant())
                .containsEntry("acme", new EdgeMetrics.RequestTotals(4, 1))
                .containsEntry("-", new EdgeMetrics.RequestTotals(1, 0));
    }

    @Test
    void connectionGaugesGoUpAndDown() {
        metrics.downstreamConnectionOpened("public");
        metrics.downstreamConnectionOpened("public");
        metrics.downstreamConnectionClosed("public");
        metrics.upstreamConnectionOpened("acme", "app");
        metrics.webSocketOpened("acme");
        metrics.webSocketOpened("acme");
        metrics.webSocketClosed("acme", "idle");
        metrics.webSocketRejected("acme", "tenant_cap");
        metrics.endpointHealth("acme", "app", 2, 3);
        metrics.setDraining(true);
        metrics.setConfigGeneration(7);

        String text = text();
        assertThat(value(text, "edgespot_downstream_connections{listener=\"public\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_downstream_connections_accepted_total{listener=\"public\"}")).isEqualTo(2);
        assertThat(value(text, "edgespot_upstream_connections{cluster=\"app\",tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_websockets_active{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_websockets_closed_total{reason=\"idle\",tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_websockets_rejected_total{reason=\"tenant_cap\",tenant=\"acme\"}"))
                .isEqualTo(1);
        assertThat(value(text, "edgespot_cluster_endpoints_healthy{cluster=\"app\",tenant=\"acme\"}")).isEqualTo(2);
        assertThat(value(text, "edgespot_cluster_endpoints{cluster=\"app\",tenant=\"acme\"}")).isEqualTo(3);
        assertThat(value(text, "edgespot_draining")).isEqualTo(1);
        assertThat(value(text, "edgespot_config_generation")).isEqualTo(7);
    }

    @Test
    void errorsTimeoutsRejectionsAndHandshakesAreCounted() {
        metrics.upstreamError("acme", "app", "connect");
        metrics.upstreamError("acme", "app", "connect");
        metrics.upstreamFinished("acme", "app", 5_000_000);
        metrics.timeout("first_byte");
        metrics.rejected("header_too_large");
        metrics.tlsHandshake("public", "TLSv1.3", "ok");
        metrics.tlsHandshake("public", "-", "unknown_sni");

        String text = text();
        assertThat(value(text, "edgespot_upstream_errors_total{cluster=\"app\",kind=\"connect\",tenant=\"acme\"}"))
                .isEqualTo(2);
        assertThat(value(text, "edgespot_upstream_request_duration_seconds_count{cluster=\"app\",tenant=\"acme\"}"))
                .isEqualTo(1);
        assertThat(value(text, "edgespot_timeouts_total{kind=\"first_byte\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_rejected_requests_total{reason=\"header_too_large\"}")).isEqualTo(1);
        assertThat(value(text,
                "edgespot_tls_handshakes_total{listener=\"public\",result=\"ok\",version=\"TLSv1.3\"}")).isEqualTo(1);
        assertThat(value(text,
                "edgespot_tls_handshakes_total{listener=\"public\",result=\"unknown_sni\",version=\"-\"}")).isEqualTo(1);
    }

    @Test
    void cacheEventsAndGaugesArePerTenant() {
        CacheListener l = metrics.cacheListener();
        l.hit("acme");
        l.hit("acme");
        l.miss("acme");
        l.stale("acme");
        l.revalidated("acme");
        l.coalesced("acme");
        l.bypass("acme");
        l.stored("acme", 1000);
        l.evicted("acme", 400);
        l.purged("acme", 3);
        l.decryptFailed("globex");
        metrics.registerCacheGauges(() -> Map.of("acme", new TenantStats(5, 6000, 1 << 20, 2, 1, 1, 1, 0)));

        String text = text();
        assertThat(value(text, "edgespot_cache_hits_total{tenant=\"acme\"}")).isEqualTo(2);
        assertThat(value(text, "edgespot_cache_misses_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_stale_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_revalidated_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_coalesced_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_bypass_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_stores_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_stored_bytes_total{tenant=\"acme\"}")).isEqualTo(1000);
        assertThat(value(text, "edgespot_cache_evictions_total{tenant=\"acme\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_evicted_bytes_total{tenant=\"acme\"}")).isEqualTo(400);
        assertThat(value(text, "edgespot_cache_purged_total{tenant=\"acme\"}")).isEqualTo(3);
        assertThat(value(text, "edgespot_cache_decrypt_failures_total{tenant=\"globex\"}")).isEqualTo(1);
        assertThat(value(text, "edgespot_cache_entries{tenant=\"acme\"}")).isEqualTo(5);
        assertThat(value(text, "edgespot_cache_bytes{tenant=\"acme\"}")).isEqualTo(6000);
        assertThat(value(text, "edgespot_cache_max_bytes{tenant=\"acme\"}")).isEqualTo(1 << 20);
    }

    @Test
    void removeTenantDropsOnlyThatTenantsSeries() {
        metrics.requestFinished("acme", "0", 200, 1_000);
        metrics.requestFinished("globex", "0", 200, 1_000);
        metrics.cacheListener().hit("acme");
        metrics.webSocketOpened("acme");
        metrics.rejected("no_route");

        metrics.removeTenant("acme");

        String text = text();
        assertThat(text).doesNotContain("tenant=\"acme\"")
                .contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"globex\"} 1")
                .contains("edgespot_rejected_requests_total{reason=\"no_route\"} 1");
        metrics.requestFinished("acme", "0", 200, 1_000);
        assertThat(text()).contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"acme\"} 1");
    }

    @Test
    void jvmAndNettyMetricsAreExported() {
        assertThat(text()).contains("jvm_memory_used_bytes", "jvm_gc_collection_seconds_count", "jvm_threads_current",
                "process_cpu_seconds_total", "edgespot_netty_pooled_direct_bytes ",
                "edgespot_netty_pooled_heap_bytes ", "edgespot_netty_pooled_arenas{memory=\"direct\"}");
    }

    @Test
    void noJvmMetricListensForGarbageCollections() throws Exception {
        // The JVM family fed by GC notifications appears once a notification reached its listener. Listeners are
        // called one after another on the JVM's notification thread, in the order they were added: once this one,
        // added after EdgeMetrics's, has seen a collection, any listener of EdgeMetrics has too.
        CountDownLatch collected = new CountDownLatch(1);
        NotificationListener listener = (n, handback) -> collected.countDown();
        List<NotificationEmitter> emitters = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(NotificationEmitter.class::cast).toList();
        emitters.forEach(e -> e.addNotificationListener(listener, null, null));
        try {
            System.gc();
            assertThat(collected.await(10, TimeUnit.SECONDS)).as("a GC notification").isTrue();
        } finally {
            for (NotificationEmitter e : emitters) {
                e.removeNotificationListener(listener);
            }
        }
        assertThat(text()).contains("jvm_gc_collection_seconds_count").doesNotContain("jvm_memory_pool_allocated");
    }

    @Test
    void openMetricsIsServedWhenAsked() {
        metrics.requestFinished("acme", "0", 200, 1_000);
        EdgeMetrics.Scrape om = metrics.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.contentType()).startsWith("application/openmetrics-text");
        assertThat(new String(om.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n")
                .contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"acme\"} 1.0");

        EdgeMetrics.Scrape text = metrics.scrape("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily");
        assertThat(text.contentType()).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void everyEdgespotMetricHasBoundedLabelsOnly() {
        metrics.requestFinished("acme", "0", 200, 1_000);
        for (MetricSnapshot s : registry.scrape()) {
            String name = s.getMetadata().getName();
            if (!name.startsWith("edgespot_")) {
                continue;
            }
            s.getDataPoints().forEach(p -> p.getLabels().forEach(label ->
                    assertThat(FORBIDDEN_LABELS).as("label %s of %s", label.getName(), name)
                            .doesNotContain(label.getName())));
        }
        assertThat(text()).doesNotContain("path=");
    }

    @Test
    void recentRatesCoverTheWindow() {
        RecentRates rates = new RecentRates(metrics, Duration.ofSeconds(60));
        long t0 = 1_000_000_000L;
        rates.sample(t0);
        assertThat(rates.rates()).isEmpty();
        for (int i = 0; i < 90; i++) {
            metrics.requestFinished("acme", "0", i % 10 == 0 ? 502 : 200, 1_000);
        }
        rates.sample(t0 + 30_000_000_000L);
        assertThat(rates.rates().get("acme").requestsPerSecond()).isCloseTo(3.0, within(1e-9));
        assertThat(rates.rates().get("acme").serverErrorRatio()).isCloseTo(0.1, within(1e-9));

        // Two minutes later with no traffic: the window moved past the burst.
        rates.sample(t0 + 100_000_000_000L);
        rates.sample(t0 + 160_000_000_000L);
        assertThat(rates.rates().get("acme").requestsPerSecond()).isZero();
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("series %s in%n%s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
