package io.edgespot.proxy.instance;

import io.edgespot.cache.HttpCache;
import io.edgespot.cache.TenantStats;
import io.edgespot.proxy.admin.AccessLog;
import io.edgespot.proxy.admin.AdminServer;
import io.edgespot.proxy.cache.SealerFactory;
import io.edgespot.crypto.KeyException;
import io.edgespot.crypto.tls.ServerTls;
import io.edgespot.crypto.tls.TlsMaterialException;
import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.ConfigProblem;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.VerifiedFileChecks;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.server.EdgeServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running edgespot: the data plane and everything around it, started from a validated config.
 *
 * <p>Reloads come from {@link #reload()} (SIGHUP, the admin API) or from a change of the config file; a config
 * that does not validate is reported with the same errors as {@code edgespot check} and the running one stays.
 * Certificates and keys are re-read when their files change.
 */
public final class EdgeInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeInstance.class);

    /** What a reload did. */
    public record ReloadOutcome(boolean applied, long generation, List<String> problems) {
    }

    private final Path configFile;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final HttpCache cache;
    private final AccessLog accessLog;
    private final EdgeServer server;
    private AdminServer admin;
    private int adminPort;
    private final ScheduledExecutorService housekeeping;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object reloadLock = new Object();
    private volatile FileTime configStamp;
    private Map<String, InetSocketAddress> addresses = Map.of();
    private boolean closed;

    private EdgeInstance(Path configFile, EdgeConfig config, SealerFactory sealers)
            throws TlsMaterialException, IOException {
        this.configFile = configFile;
        this.cache = HttpCache.builder().listener(metrics.cacheListener()).build();
        metrics.registerCacheGauges(() -> {
            Map<String, TenantStats> stats = new HashMap<>();
            for (String t : cache.tenants()) {
                cache.stats(t).ifPresent(s -> stats.put(t, s));
            }
            return stats;
        });
        this.accessLog = AccessLog.open(config.accessLog()).orElse(null);
        this.server = new EdgeServer(config, metrics, cache, accessLog, sealers);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgespot-housekeeping");
            t.setDaemon(true);
            return t;
        });
        this.configStamp = stamp(configFile);
    }

    /**
     * Starts an instance: binds every listener, then watches the config and certificate files.
     *
     * @param configFile the file {@code config} came from, watched for changes; null for none
     * @throws StartException with a one-line message when a port is taken or key material cannot be used
     */
    public static EdgeInstance start(Path configFile, EdgeConfig config) throws StartException {
        return start(configFile, config, SealerFactory.TENANT_KEYS);
    }

    /**
     * Starts an instance whose cache seals entries with {@code sealers}; edgespot itself always uses
     * {@link SealerFactory#TENANT_KEYS} through {@link #start(Path, EdgeConfig)}.
     *
     * @param configFile the file {@code config} came from, watched for changes; null for none
     * @param sealers makes each caching tenant's sealer from its keys
     * @throws StartException with a one-line message when a port is taken or key material cannot be used
     */
    public static EdgeInstance start(Path configFile, EdgeConfig config, SealerFactory sealers)
            throws StartException {
        EdgeInstance instance;
        try {
            instance = new EdgeInstance(configFile, config, sealers);
        } catch (TlsMaterialException | KeyException e) {
            throw new StartException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StartException("accessLog.file: cannot open: " + e.getMessage(), e);
        }
        try {
            instance.addresses = instance.server.start();
            if (config.admin().enabled()) {
                instance.admin = new AdminServer(config.admin(), instance.metrics, new InstanceAdminOps(instance));
                instance.adminPort = instance.admin.start().toCompletableFuture().join();
            }
        } catch (java.util.concurrent.CompletionException e) {
            instance.close();
            throw new StartException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), e);
        } catch (BindException e) {
            instance.close();
            throw new StartException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            instance.close();
            throw new StartException("interrupted while starting", e);
        }
        instance.housekeeping.scheduleWithFixedDelay(instance::watchFiles, 2, 2, TimeUnit.SECONDS);
        return instance;
    }

    /** The bound address of each listener. */
    public Map<String, InetSocketAddress> addresses() {
        return addresses;
    }

    /** The admin listener's bound port, 0 when it is off. */
    public int adminPort() {
        return adminPort;
    }

    public EdgeServer server() {
        return server;
    }

    public EdgeMetrics metrics() {
        return metrics;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public HttpCache cache() {
        return cache;
    }

    /**
     * Re-reads the config file, validates it and every file it names, and swaps it in.
     *
     * @return whether it applied, and the problems when it did not
     */
    public ReloadOutcome reload() {
        synchronized (reloadLock) {
            if (configFile == null) {
                return new ReloadOutcome(false, server.generation(), List.of("no config file to reload"));
            }
            configStamp = stamp(configFile);
            EdgeConfig next;
            try {
                next = new ConfigLoader(new VerifiedFileChecks()).load(configFile);
            } catch (ConfigException e) {
                List<String> problems = new ArrayList<>();
                for (ConfigProblem p : e.problems()) {
                    problems.add(p.toString());
                }
                LOG.warn("reload rejected, keeping generation {}: {}", server.generation(), String.join("; ", problems));
                return new ReloadOutcome(false, server.generation(), problems);
            }
            try {
                List<String> notes = server.reload(next);
                LOG.info("config generation {} applied{}", server.generation(),
                        notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
                return new ReloadOutcome(true, server.generation(), notes);
            } catch (TlsMaterialException | KeyException e) {
                LOG.warn("reload rejected, keeping generation {}: {}", server.generation(), e.getMessage());
                return new ReloadOutcome(false, server.generation(), List.of(e.getMessage()));
            }
        }
    }

    private void watchFiles() {
        try {
            FileTime now = stamp(configFile);
            if (now != null && !now.equals(configStamp)) {
                reload();
            }
            for (ServerTls tls : server.serverTls()) {
                tls.reloadIfChanged();
            }
        } catch (RuntimeException e) {
            LOG.warn("file watch failed: {}", e.toString());
        }
    }

    private static FileTime stamp(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Drains and stops: listeners close, requests in flight finish within the shutdown grace. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LOG.info("shutting down");
        housekeeping.shutdownNow();
        server.close();
        if (admin != null) {
            admin.close().toCompletableFuture().join();
        }
        if (accessLog != null) {
            accessLog.close();
        }
        stopped.countDown();
        LOG.info("stopped");
    }

    /** A start that failed for a reason the operator can fix; the message is one line, without a trace. */
    public static final class StartException extends Exception {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
