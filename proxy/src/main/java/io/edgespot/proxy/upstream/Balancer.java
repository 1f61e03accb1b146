package io.edgespot.proxy.upstream;

import java.util.List;

/**
 * Picks an endpoint for a request among those currently available.
 *
 * <p>Implementations are thread-safe; they are shared by all event loops.
 */
interface Balancer {

    /**
     * Picks an endpoint.
     *
     * @param endpoints every endpoint of the cluster, in config order
     * @param usable    which of them may take traffic (same indices)
     * @param hashKey   the affinity key for hashing balancers, or null
     * @return an index into {@code endpoints}, or -1 when none is usable
     */
    int pick(List<EndpointState> endpoints, boolean[] usable, String hashKey);
}
