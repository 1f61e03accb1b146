package io.edgespot.cache;

import java.util.Optional;
import java.util.Set;

/**
 * A shared HTTP cache (RFC 9111 with RFC 5861, RFC 9211 and RFC 9213) of sealed entries, partitioned by tenant.
 *
 * <p>The cache decides; the proxy does the I/O. See the package documentation for the call sequence. All methods
 * are thread-safe and non-blocking; they may be called from any event loop.
 */
public interface HttpCache {

    /** Returns a builder with the system clock, the common pool executor and Caffeine's system scheduler. */
    static HttpCacheBuilder builder() {
        return new HttpCacheBuilder();
    }

    /**
     * Adds a tenant, or applies new settings to an existing one without dropping its entries. When the sealer's
     * {@link EntrySealer#keysetId()} differs from the registered one, the tenant's entries are dropped, since they
     * could no longer be opened.
     *
     * @param tenant the tenant name
     * @param settings the cache policy
     * @param sealer the tenant's encryption
     */
    void registerTenant(String tenant, TenantSettings settings, EntrySealer sealer);

    /**
     * Drops every entry of a tenant at once (crypto-shredding); later lookups for it bypass the cache.
     *
     * @param tenant the tenant name
     * @return whether the tenant was registered
     */
    boolean removeTenant(String tenant);

    /** Returns the registered tenant names. */
    Set<String> tenants();

    /**
     * Decides how to answer a request.
     *
     * @param request the downstream request
     * @return what to do; see {@link LookupResult}
     */
    LookupResult lookup(CacheRequest request);

    /**
     * Reports the origin's response head for an exchange from {@link LookupResult.Miss}, {@link
     * LookupResult.Revalidate}, {@link LookupResult.Bypass} or a stale-while-revalidate refresh.
     *
     * @param exchange the exchange
     * @param status the origin status
     * @param responseHeaders the origin header fields
     * @return what to do with the response
     * @throws IllegalStateException if a response was already reported for the exchange
     */
    ResponseDecision onResponse(CacheExchange exchange, int status, HttpFields responseHeaders);

    /**
     * Reports that the origin could not be reached or failed before a response head.
     *
     * @param exchange the exchange
     * @return {@link ResponseDecision.Serve} when stale-if-error allows a stored response, else
     *     {@link ResponseDecision.Pass} (send the proxy's own error)
     * @throws IllegalStateException if a response was already reported for the exchange
     */
    ResponseDecision onError(CacheExchange exchange);

    /**
     * Ends an exchange whose request was given up (client gone) before any response was reported, releasing
     * requests that were waiting on it; idempotent and harmless after a response.
     *
     * @param exchange the exchange
     */
    void abandon(CacheExchange exchange);

    /**
     * Purges one URL (all its Vary variants).
     *
     * @return the number of variants purged
     */
    long purgeUrl(String tenant, String scheme, String host, String pathAndQuery, PurgeMode mode);

    /**
     * Purges every URL of a host whose path starts with {@code pathPrefix}, over both schemes.
     *
     * @return the number of variants purged
     */
    long purgePrefix(String tenant, String host, String pathPrefix, PurgeMode mode);

    /**
     * Purges every variant whose {@code Surrogate-Key} or {@code Cache-Tag} contained {@code tag}.
     *
     * @return the number of variants purged
     */
    long purgeTag(String tenant, String tag, PurgeMode mode);

    /**
     * Returns this cache's {@code Surrogate-Capability} member (W3C Edge Architecture 1.0), such as
     * {@code edgespot="Surrogate/1.0"}. Appended to the requests forwarded for the cache, it tells the origin the
     * device token with which {@code Surrogate-Control} directives can be targeted at this cache
     * ({@code max-age=60;edgespot}); directives targeted at other devices are ignored.
     */
    String surrogateCapability();

    /** Returns a snapshot of a tenant's counters, empty for an unknown tenant. */
    Optional<TenantStats> stats(String tenant);
}
