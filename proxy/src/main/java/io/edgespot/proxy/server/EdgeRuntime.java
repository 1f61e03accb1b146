package io.edgespot.proxy.server;

import io.edgespot.crypto.tls.ClientTls;
import io.edgespot.crypto.tls.ServerTls;
import io.edgespot.crypto.tls.TenantCertificate;
import io.edgespot.crypto.tls.TlsMaterialException;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.EdgeConfig.Cluster;
import io.edgespot.proxy.config.EdgeConfig.ClusterTls;
import io.edgespot.proxy.config.EdgeConfig.Listener;
import io.edgespot.proxy.config.EdgeConfig.Tenant;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.routing.HostMap;
import io.edgespot.proxy.routing.RouteTable;
import io.edgespot.proxy.upstream.ClusterState;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the data plane needs from one config generation, built once and swapped in as a whole on reload:
 * tenants by host, routes, cluster state, the TLS contexts of each listener.
 *
 * <p>Cluster state whose config did not change is carried over from the previous generation, so a reload keeps
 * endpoint health, ejections and connection counts.
 *
 * @param config     the config it was built from
 * @param generation increases by one on every applied reload
 * @param hosts      tenants by host pattern
 * @param tenants    tenants by name
 * @param tls        server TLS by listener name, for TLS listeners
 * @param forward    header rewriting rules
 */
record EdgeRuntime(EdgeConfig config, long generation, HostMap<TenantRuntime> hosts,
                   Map<String, TenantRuntime> tenants, Map<String, ServerTls> tls, ForwardHeaders forward) {

    /**
     * Builds a generation.
     *
     * @param previous the running generation, or null at startup
     * @throws TlsMaterialException when a certificate, key or CA file cannot be used
     */
    static EdgeRuntime build(EdgeConfig config, EdgeRuntime previous, EdgeMetrics metrics)
            throws TlsMaterialException {
        Map<String, TenantRuntime> tenants = new HashMap<>();
        Map<String, TenantRuntime> byHost = new HashMap<>();
        for (Tenant t : config.tenants()) {
            Map<String, ClusterState> clusters = new HashMap<>();
            for (Cluster c : t.clusters().values()) {
                ClusterState old = previous == null ? null : previous.cluster(t.name(), c.name());
                clusters.put(c.name(), old != null && old.config().equals(c) ? old
                        : new ClusterState(t.name(), c, clientContext(c)));
            }
            boolean cached = t.cache().enabled() && t.keyset().isPresent();
            TenantRuntime tr = new TenantRuntime(t, new RouteTable(t.routes()), clusters, cached);
            tenants.put(t.name(), tr);
            for (String h : t.hosts()) {
                byHost.put(h, tr);
            }
        }
        Map<String, ServerTls> tls = new HashMap<>();
        for (Listener l : config.listeners()) {
            if (l.tls()) {
                tls.put(l.name(), serverTls(config, l, metrics));
            }
        }
        long generation = previous == null ? 1 : previous.generation() + 1;
        return new EdgeRuntime(config, generation, HostMap.of(byHost), Map.copyOf(tenants), Map.copyOf(tls),
                new ForwardHeaders(config.server()));
    }

    ClusterState cluster(String tenant, String cluster) {
        TenantRuntime t = tenants.get(tenant);
        return t == null ? null : t.clusters().get(cluster);
    }

    /** Every cluster of every tenant. */
    List<ClusterState> clusters() {
        List<ClusterState> all = new ArrayList<>();
        for (TenantRuntime t : tenants.values()) {
            all.addAll(t.clusters().values());
        }
        return all;
    }

    private static SslContext clientContext(Cluster c) throws TlsMaterialException {
        if (c.tls().isEmpty()) {
            return null;
        }
        ClusterTls t = c.tls().get();
        ClientTls.Builder b = ClientTls.builder().http2(c.http2());
        t.ca().ifPresent(b::trustedCaFile);
        if (t.clientCert().isPresent() && t.clientKey().isPresent()) {
            b.clientCertificate(t.clientCert().get(), t.clientKey().get());
        }
        return b.build();
    }

    private static ServerTls serverTls(EdgeConfig config, Listener l, EdgeMetrics metrics)
            throws TlsMaterialException {
        ServerTls.Builder b = ServerTls.builder().http2(l.http2()).sessionTickets(l.sessionTickets())
                .handshakeTimeout(config.limits().headerTimeout())
                .onUnknownSni(() -> metrics.tlsHandshake(l.name(), "-", "unknown_sni"));
        for (Tenant t : config.tenants()) {
            if (t.certificate().isEmpty()) {
                continue;
            }
            EdgeConfig.Certificate cert = t.certificate().get();
            b.add(new TenantCertificate(t.name(), t.hosts(), cert.cert(), cert.key()));
            if (l.defaultTenant().isPresent() && l.defaultTenant().get().equals(t.name())) {
                b.defaultCertificate(new TenantCertificate(t.name(), List.of(), cert.cert(), cert.key()));
            }
        }
        return b.build();
    }
}
