package io.edgespot.proxy.admin;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What the admin API asks of the running proxy; implemented by the proxy runtime.
 *
 * <p>{@link AdminServer} calls these methods on Vert.x worker threads, never on its event loop, so they
 * may block briefly (reading files, waiting for a reload to swap). Mutating calls ({@link #reload},
 * {@link #purge}, {@link #startDrain}, {@link #revoke}) are serialised with each other; read calls may
 * run concurrently with them. Nothing returned may contain a secret.
 */
public interface AdminOps {

    /** Returns whether the instance should receive traffic, and why not. */
    Readiness readiness();

    /** Re-reads and validates the config file and applies it when valid, without losing in-flight requests. */
    ReloadResult reload();

    /**
     * Returns the effective config as a JSON-ready tree with secrets redacted, normally
     * {@link ConfigView#redacted} of the config in effect.
     */
    Map<String, Object> effectiveConfig();

    /**
     * Purges cache entries.
     *
     * @return how many stored variants were purged, or empty when the tenant is unknown
     */
    OptionalLong purge(PurgeRequest request);

    /** Starts draining (idempotent) and returns the state right after. */
    DrainState startDrain();

    /** Returns the current drain state. */
    DrainState drainState();

    /**
     * Crypto-shreds a tenant's cache: drops its keyset from memory and its entries, so no stored byte of
     * it can be read again.
     *
     * @return false when the tenant is unknown
     */
    boolean revoke(String tenant);

    /** Returns a snapshot of listeners, tenants, clusters, cache usage, WebSockets and drain state. */
    StatusSnapshot status();
}
