package io.edgespot.proxy.server;

import io.edgespot.proxy.config.EdgeConfig.Tenant;
import io.edgespot.proxy.routing.RouteTable;
import io.edgespot.proxy.upstream.ClusterState;
import java.util.Map;

/**
 * One tenant as the data plane sees it in one config generation.
 *
 * @param config   the tenant's config
 * @param routes   its routes
 * @param clusters its clusters' runtime state by name
 * @param cached   whether its responses go through the cache (cache enabled and a keyset present)
 */
record TenantRuntime(Tenant config, RouteTable routes, Map<String, ClusterState> clusters, boolean cached) {

    TenantRuntime {
        clusters = Map.copyOf(clusters);
    }

    String name() {
        return config.name();
    }
}
