/**
 * The edgespot HTTP cache: RFC 9111 caching semantics, RFC 5861 stale extensions, RFC 9211 {@code Cache-Status},
 * RFC 9213 targeted cache control, request coalescing and purges, over per-tenant Caffeine stores of sealed
 * entries.
 *
 * <p>The module knows nothing of Netty or Tink: requests come in as {@link io.edgespot.cache.CacheRequest} with
 * {@link io.edgespot.cache.HttpFields}, encryption comes in as an {@link io.edgespot.cache.EntrySealer}, time as a
 * {@link io.edgespot.cache.CacheClock}, metrics leave through a {@link io.edgespot.cache.CacheListener}.
 *
 * <h2>Call sequence for the proxy</h2>
 * <ol>
 *   <li>At startup and on reload: {@code registerTenant(name, settings, sealer)} per tenant;
 *       {@code removeTenant(name)} when a tenant or its keyset is revoked.</li>
 *   <li>Per request on a cacheable route: {@code lookup(request)} and switch on the result:
 *     <ul>
 *       <li>{@code Hit}: send {@code status}, {@code headers} and the body segments, each opened with
 *           {@code openSegment} into the buffer that goes out (a 206 or 416 for a {@code Range} that a stored 200
 *           answers); stop (reset the stream) if one throws {@link io.edgespot.cache.CacheIntegrityException}.</li>
 *       <li>{@code Stale}: send the response as for a hit; if {@code refresh} is present, forward a background
 *           {@code GET} with the exchange's header changes and report it like a miss (step 3), discarding what
 *           would go downstream.</li>
 *       <li>{@code Miss}, {@code Revalidate}: forward after removing
 *           {@link io.edgespot.cache.CacheExchange#requestHeadersToRemove()} and adding
 *           {@link io.edgespot.cache.CacheExchange#conditionalHeaders()}; then step 3.</li>
 *       <li>{@code Coalesced}: wait for the future (it completes on the cache's executor; hop back to the event
 *           loop) and handle the result it yields the same way.</li>
 *       <li>{@code Bypass}: forward unchanged; then step 3 so unsafe methods invalidate.</li>
 *       <li>{@code OnlyIfCachedMiss}: answer 504 with the {@code Cache-Status}.</li>
 *     </ul></li>
 *   <li>When the origin's response head arrives: {@code onResponse(exchange, status, headers)}:
 *     <ul>
 *       <li>{@code Store}: send the response downstream without {@code stripHeaders} and with the
 *           {@code Cache-Status} member appended; {@code append} each body chunk to the collector as it is
 *           written downstream, then {@code complete()}, or {@code abort()} if the upstream fails.</li>
 *       <li>{@code Pass}: the same, without a collector.</li>
 *       <li>{@code Serve}: discard the origin body and send the stored response it carries (a 304 freshened it,
 *           or stale-if-error applies).</li>
 *       <li>{@code Refetch}: discard the origin response and go back to step 2.</li>
 *     </ul>
 *     If the origin cannot be reached, call {@code onError(exchange)} instead: it answers {@code Serve} when
 *     stale-if-error applies, else {@code Pass} and the proxy sends its own 502/504. If the client goes away
 *     before either, call {@code abandon(exchange)} so waiting requests fetch for themselves.</li>
 *   <li>Admin: {@code purgeUrl}, {@code purgePrefix}, {@code purgeTag} (soft or hard) and {@code stats}.</li>
 * </ol>
 *
 * <h2>What is in clear in memory</h2>
 * <p>Per tenant: the tenant name, settings and counters. Per stored URL: a PRF digest of the key (the map key), the
 * sealed URL (opened only by prefix purges). Per stored variant: status code, the timing numbers and directive
 * flags of timing record, whether validators exist, the Vary field <em>names</em>, the body
 * length and segment count, the PRF digest of the full key (Vary selection) and PRF digests of the purge tags.
 * Sealed, with the full cache key as associated data: every header value (including validators, cookies and
 * tags) and the body. Plaintext exists only transiently: while a response streams through the collector (at most
 * one segment), while a hit is assembled and served, and in requests waiting on a coalesced fetch.
 */
package io.edgespot.cache;
