package io.edgespot.proxy.instance;

import io.edgespot.cache.HttpCache;
import io.edgespot.proxy.admin.AdminOps;
import io.edgespot.proxy.admin.ConfigView;
import io.edgespot.proxy.admin.DrainState;
import io.edgespot.proxy.admin.PurgeRequest;
import io.edgespot.proxy.admin.Readiness;
import io.edgespot.proxy.admin.ReloadResult;
import io.edgespot.proxy.admin.StatusSnapshot;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.server.EdgeServer;
import io.edgespot.proxy.upstream.ClusterState;
import io.edgespot.proxy.upstream.EndpointState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** The admin API's view of a running {@link EdgeInstance}. */
final class InstanceAdminOps implements AdminOps {

    private final EdgeInstance instance;
    private volatile long drainingSince;

    InstanceAdminOps(EdgeInstance instance) {
        this.instance = instance;
    }

    private EdgeServer server() {
        return instance.server();
    }

    @Override
    public Readiness readiness() {
        List<String> reasons = new ArrayList<>();
        if (server().draining()) {
            reasons.add("draining");
        }
        if (instance.addresses().isEmpty()) {
            reasons.add("not listening");
        }
        for (String c : server().unhealthyClusters()) {
            reasons.add("no healthy endpoint in cluster " + c);
        }
        return new Readiness(reasons.isEmpty(), reasons);
    }

    @Override
    public ReloadResult reload() {
        EdgeInstance.ReloadOutcome o = instance.reload();
        return new ReloadResult(o.applied(), o.generation(), o.problems());
    }

    @Override
    public Map<String, Object> effectiveConfig() {
        return ConfigView.redacted(server().config());
    }

    @Override
    public OptionalLong purge(PurgeRequest request) {
        HttpCache cache = instance.cache();
        if (server().config().tenant(request.tenant()).isEmpty() || !cache.tenants().contains(request.tenant())) {
            return OptionalLong.empty();
        }
        long n;
        if (request.target() instanceof PurgeRequest.Url u) {
            n = cache.purgeUrl(request.tenant(), u.scheme(), host(u.authority()), u.pathAndQuery(), request.mode());
        } else if (request.target() instanceof PurgeRequest.Prefix p) {
            n = cache.purgePrefix(request.tenant(), host(p.authority()), p.pathPrefix(), request.mode());
        } else {
            n = cache.purgeTag(request.tenant(), ((PurgeRequest.Tag) request.target()).tag(), request.mode());
        }
        return OptionalLong.of(n);
    }

    /** The cache keys hosts without port, in lower case, as the proxy looks them up. */
    private static String host(String authority) {
        String h = authority;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(1, end);
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.lastIndexOf(':'));
        }
        return h.toLowerCase(Locale.ROOT);
    }

    @Override
    public DrainState startDrain() {
        if (!server().draining()) {
            drainingSince = System.currentTimeMillis();
            server().startDraining();
        }
        return drainState();
    }

    @Override
    public DrainState drainState() {
        long active = 0;
        for (List<ClusterState> cs : server().clusters().values()) {
            for (ClusterState c : cs) {
                active += c.activeRequests();
            }
        }
        return new DrainState(server().draining(), server().draining() ? drainingSince : 0,
                server().connections(), active);
    }

    @Override
    public boolean revoke(String tenant) {
        if (server().config().tenant(tenant).isEmpty()) {
            return false;
        }
        instance.cache().removeTenant(tenant);
        instance.metrics().removeTenant(tenant);
        return true;
    }

    @Override
    public StatusSnapshot status() {
        EdgeConfig config = server().config();
        List<StatusSnapshot.Listener> listeners = new ArrayList<>();
        for (EdgeConfig.Listener l : config.listeners()) {
            InetSocketAddress bound = instance.addresses().get(l.name());
            listeners.add(bound == null ? StatusSnapshot.Listener.of(l)
                    : new StatusSnapshot.Listener(l.name(), bound.getHostString() + ":" + bound.getPort(), l.tls(),
                    l.http2()));
        }
        Map<String, List<ClusterState>> clusters = server().clusters();
        long now = System.nanoTime();
        List<StatusSnapshot.Tenant> tenants = new ArrayList<>();
        for (EdgeConfig.Tenant t : config.tenants()) {
            List<StatusSnapshot.Route> routes = t.routes().stream().map(StatusSnapshot.Route::of).toList();
            List<StatusSnapshot.Cluster> cl = new ArrayList<>();
            for (ClusterState c : clusters.getOrDefault(t.name(), List.of())) {
                List<StatusSnapshot.Endpoint> eps = new ArrayList<>();
                for (EndpointState e : c.endpoints()) {
                    eps.add(new StatusSnapshot.Endpoint(e.endpoint().toString(), e.available(now), e.ejected(now),
                            e.activeRequests()));
                }
                cl.add(new StatusSnapshot.Cluster(c.name(), eps));
            }
            StatusSnapshot.Cache cache = instance.cache().stats(t.name()).map(StatusSnapshot.Cache::of).orElse(null);
            tenants.add(new StatusSnapshot.Tenant(t.name(), t.hosts(), routes, cl, cache,
                    new StatusSnapshot.WebSockets(server().webSockets(t.name()), t.webSockets().max())));
        }
        return new StatusSnapshot(server().generation(), drainState(), listeners, tenants,
                new StatusSnapshot.WebSockets(server().webSockets(), config.limits().maxWebSockets()));
    }
}
