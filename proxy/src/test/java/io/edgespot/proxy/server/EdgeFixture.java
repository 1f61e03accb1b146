package io.edgespot.proxy.server;

import io.edgespot.proxy.cache.SealerFactory;
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
        this(dir, yaml, SealerFactory.TENANT_KEYS);
    }

    /** The same with the cache's sealers made by {@code sealers}. */
    EdgeFixture(Path dir, String yaml, SealerFactory sealers) throws Exception {
        EdgeConfig config = parse(dir, yaml);
        this.metrics = new EdgeMetrics(registry);
        this.cache = io.edgespot.cache.HttpCache.builder().listener(metrics.cacheListener()).build();
        this.server = new EdgeServer(config, metrics, cache, null, sealers);
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

    /**
     * The sum of the samples of metric {@code name} whose label set contains every one of {@code labels}
     * (each written as in the exposition format, e.g. {@code result="ok"}); 0 when there is none.
     */
    double metric(String name, String... labels) {
        double sum = 0;
        for (String line : scrape().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean all = true;
            for (String l : labels) {
                all &= series.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(end + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() {
        server.close();
    }
}
