package io.edgespot.proxy.server;

import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.FileChecks;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** A running edgespot data plane on ephemeral loopback ports, built from YAML like a user's config. */
final class EdgeFixture implements AutoCloseable {

    final EdgeServer server;
    final EdgeMetrics metrics;
    final io.edgespot.cache.HttpCache cache;
    final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, InetSocketAddress> addresses;

    EdgeFixture(Path dir, String yaml) throws Exception {
        EdgeConfig config = parse(dir, yaml);
        this.metrics = new EdgeMetrics(registry);
        this.cache = io.edgespot.cache.HttpCache.builder().listener(metrics.cacheListener()).build();
        this.server = new EdgeServer(config, metrics, cache, null);
        this.addresses = server.start();
    }

    static EdgeConfig parse(Path dir, String yaml) throws Exception {
        return new ConfigLoader(FileChecks.existenceOnly()).parse("edge.yaml", new StringReader(yaml), dir);
    }

    int port(String listener) {
        return addresses.get(listener).getPort();
    }

    /** The Prometheus text of the fixture's registry. */
    String scrape() {
        return new String(metrics.scrape("text/plain").body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
