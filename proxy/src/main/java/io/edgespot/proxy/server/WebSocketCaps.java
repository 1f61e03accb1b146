package io.edgespot.proxy.server;

import io.edgespot.proxy.config.EdgeConfig.Route;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts proxied WebSockets per instance, per tenant and per route, and refuses one more over a cap.
 *
 * <p>The counts outlive config generations: a reload that lowers a cap refuses new upgrades until the count
 * falls under it, and drops none of the open ones.
 */
final class WebSocketCaps {

    /** Which cap refused an upgrade, also the metric reason. */
    enum Refusal { INSTANCE, TENANT, ROUTE }

    /** One admitted WebSocket; {@link #release()} once when it closes. */
    final class Lease {
        private final AtomicInteger tenant;
        private final AtomicInteger route;
        private boolean released;

        private Lease(AtomicInteger tenant, AtomicInteger route) {
            this.tenant = tenant;
            this.route = route;
        }

        void release() {
            if (released) {
                return;
            }
            released = true;
            total.decrementAndGet();
            tenant.decrementAndGet();
            if (route != null) {
                route.decrementAndGet();
            }
        }
    }

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> byTenant = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> byRoute = new ConcurrentHashMap<>();

    /** The outcome of {@link #tryAcquire}: a lease, or the cap that refused. */
    record Admission(Lease lease, Refusal refusal) {
    }

    /**
     * Admits a WebSocket when every cap has room.
     *
     * @param instanceMax the instance cap
     * @param tenantMax   the tenant's cap
     */
    Admission tryAcquire(String tenant, Route route, int instanceMax, int tenantMax) {
        if (!reserve(total, instanceMax)) {
            return new Admission(null, Refusal.INSTANCE);
        }
        AtomicInteger t = byTenant.computeIfAbsent(tenant, k -> new AtomicInteger());
        if (!reserve(t, tenantMax)) {
            total.decrementAndGet();
            return new Admission(null, Refusal.TENANT);
        }
        AtomicInteger r = null;
        if (route.webSocketMax().isPresent()) {
            r = byRoute.computeIfAbsent(tenant + "/" + route.index(), k -> new AtomicInteger());
            if (!reserve(r, route.webSocketMax().get())) {
                total.decrementAndGet();
                t.decrementAndGet();
                return new Admission(null, Refusal.ROUTE);
            }
        }
        return new Admission(new Lease(t, r), null);
    }

    private static boolean reserve(AtomicInteger counter, int max) {
        while (true) {
            int c = counter.get();
            if (c >= max) {
                return false;
            }
            if (counter.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Open WebSockets on this instance. */
    int total() {
        return total.get();
    }

    /** Open WebSockets of a tenant. */
    int tenant(String tenant) {
        AtomicInteger t = byTenant.get(tenant);
        return t == null ? 0 : t.get();
    }
}
