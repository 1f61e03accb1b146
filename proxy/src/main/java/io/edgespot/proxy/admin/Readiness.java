package io.edgespot.proxy.admin;

import java.util.List;

/**
 * Whether the instance should receive traffic. {@code GET /readyz} answers 200 when ready and 503 with
 * the reasons otherwise; the broker withdraws the anycast route on 503.
 *
 * @param ready   whether the instance takes traffic
 * @param reasons why not, one short sentence each, e.g. {@code draining} or
 *                {@code no healthy endpoint for acme/origin}; empty when ready
 */
public record Readiness(boolean ready, List<String> reasons) {

    public Readiness {
        reasons = List.copyOf(reasons);
    }
}
