package io.edgespot.proxy.admin;

import io.edgespot.cache.TenantStats;
import io.edgespot.proxy.config.EdgeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What the status page shows, as {@code GET /status.json} and the {@code /events} stream serve it
 * (the admin server adds the recent request rates it computes itself, and the request totals since start).
 *
 * @param configGeneration the generation of the config in effect
 * @param drain            the drain state
 * @param listeners        the downstream listeners
 * @param tenants          the tenants, with routes, clusters, cache and WebSockets
 * @param webSockets       instance-wide WebSockets against {@code limits.maxWebSockets}
 */
public record StatusSnapshot(long configGeneration, DrainState drain, List<Listener> listeners,
                             List<Tenant> tenants, WebSockets webSockets) {

    public StatusSnapshot {
        listeners = List.copyOf(listeners);
        tenants = List.copyOf(tenants);
    }

    /**
     * A downstream listener.
     *
     * @param address {@code host:port}
     */
    public record Listener(String name, String address, boolean tls, boolean http2) {

        /** Describes a configured listener. */
        public static Listener of(EdgeConfig.Listener l) {
            return new Listener(l.name(), ConfigView.address(l.address()), l.tls(), l.http2());
        }
    }

    /**
     * One tenant.
     *
     * @param cache      cache usage, {@code null} when the tenant is not cached
     * @param webSockets the tenant's WebSockets against its cap
     */
    public record Tenant(String name, List<String> hosts, List<Route> routes, List<Cluster> clusters, Cache cache,
                         WebSockets webSockets) {

        public Tenant {
            hosts = List.copyOf(hosts);
            routes = List.copyOf(routes);
            clusters = List.copyOf(clusters);
        }
    }

    /**
     * A route.
     *
     * @param index   its position in the tenant's list
     * @param match   a one-line summary such as {@code GET,HEAD /api* [x-env]}; header values are never shown
     * @param cluster the target cluster
     */
    public record Route(int index, String match, String cluster) {

        /** Describes a configured route. */
        public static Route of(EdgeConfig.Route r) {
            EdgeConfig.RouteMatch m = r.match();
            List<String> parts = new ArrayList<>();
            if (!m.methods().isEmpty()) {
                parts.add(String.join(",", new TreeSet<>(m.methods())));
            }
            m.path().ifPresent(parts::add);
            m.pathPrefix().ifPresent(p -> parts.add(p + "*"));
            m.pathRegex().ifPresent(p -> parts.add("~" + p.pattern()));
            if (!m.headers().isEmpty()) {
                parts.add("[" + String.join(",", new TreeSet<>(m.headers().keySet())) + "]");
            }
            return new Route(r.index(), parts.isEmpty() ? "*" : String.join(" ", parts), r.to());
        }
    }

    /** An upstream cluster and its endpoints. */
    public record Cluster(String name, List<Endpoint> endpoints) {

        public Cluster {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * One endpoint of a cluster.
     *
     * @param address        {@code host:port}
     * @param healthy        passing active health checks (or unchecked)
     * @param ejected        ejected by passive outlier detection
     * @param activeRequests requests in flight to it
     */
    public record Endpoint(String address, boolean healthy, boolean ejected, int activeRequests) {
    }

    /**
     * A tenant's cache usage.
     *
     * @param hitRatio hits over hits plus misses since start, 0 without lookups
     */
    public record Cache(long entries, long bytes, long maxBytes, double hitRatio) {

        /** Summarises the cache's counters of one tenant. */
        public static Cache of(TenantStats s) {
            long lookups = s.hits() + s.misses();
            return new Cache(s.entries(), s.bytes(), s.maxBytes(), lookups == 0 ? 0 : (double) s.hits() / lookups);
        }
    }

    /**
     * Open WebSockets against a cap.
     *
     * @param active open now
     * @param max    the cap
     */
    public record WebSockets(int active, int max) {
    }
}
