package io.edgespot.cache;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers lookups (RFC 9111 §4 with RFC 5861 stale extensions) and coalesces concurrent forwards of one URL.
 *
 * <p>Freshness is decided on clear metadata first; a stored response is opened only when it is served or its
 * validators are needed, and a failed open drops it and continues as a miss.
 */
final class Lookups {
    /** The client's validators: replaced by the cache's so the origin answers the cache, not the client. */
    static final List<String> CLIENT_VALIDATORS = List.of("if-none-match", "if-modified-since");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final CacheContext ctx;

    Lookups(CacheContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the request's directives; {@code Pragma: no-cache} counts only without Cache-Control. */
    static CacheControl requestControl(HttpFields headers) {
        CacheControl control = CacheControl.parse(headers.getAll("cache-control"));
        if (control.isEmpty() && headers.getAll("pragma").stream().anyMatch(p -> p.contains("no-cache"))) {
            return CacheControl.parse(List.of("no-cache"));
        }
        return control;
    }

    LookupResult lookup(CacheRequest request) {
        return lookup(request, null);
    }

    /**
     * Looks a request up.
     *
     * @param request the request
     * @param waitedFwd for a waiter released by a finished fetch, the reason it would have been forwarded; it then
     *     neither coalesces again nor counts as a plain hit
     */
    LookupResult lookup(CacheRequest request, String waitedFwd) {
        TenantStore store = ctx.tenants().get(request.tenant());
        if (store == null) {
            return bypass(null, request, CacheExchange.Kind.BYPASS, "bypass");
        }
        String method = request.method();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            CacheExchange.Kind kind = SAFE_METHODS.contains(method)
                    ? CacheExchange.Kind.BYPASS : CacheExchange.Kind.UNSAFE;
            return bypass(store, request, kind, "method");
        }
        CacheControl requestControl = requestControl(request.headers());
        if ("GET".equals(method) && request.headers().contains("range")) {
            return rangeLookup(store, request, requestControl); // HEAD ignores Range (RFC 9110 §14.2)
        }
        byte[] primaryKey = PrimaryKey.of(request, store.settings().queryMode()).encode();
        Digest keyDigest = store.keyDigest(primaryKey);
        long now = ctx.now();
        VariantGroup group = store.get(keyDigest);
        CacheExchange.Selection selection = select(store, group, primaryKey, request.headers());
        if (selection == null) {
            if (requestControl.onlyIfCached()) {
                return onlyIfCachedMiss(store);
            }
            return forward(store, request, primaryKey, keyDigest, null, group == null ? "uri-miss" : "vary-miss",
                    now, waitedFwd);
        }
        if (requestControl.noCache()) {
            return forward(store, request, primaryKey, keyDigest, selection, "request", now, waitedFwd);
        }
        StoredVariant variant = selection.variant();
        Freshness freshness = variant.freshness();
        if (variant.isFresh(now)) {
            if (clientAccepts(requestControl, freshness, now)) {
                CacheStatus status = waitedFwd == null ? CacheStatus.hit(ctx.name())
                        : CacheStatus.fwd(ctx.name(), waitedFwd);
                status.ttl(freshness.ttlMillis(now)).collapsed(waitedFwd == null ? null : Boolean.TRUE);
                return serve(store, request, primaryKey, keyDigest, selection, now, status.toString(), false,
                        waitedFwd);
            }
            if (requestControl.onlyIfCached()) {
                return onlyIfCachedMiss(store);
            }
            return forward(store, request, primaryKey, keyDigest, selection, "request", now, waitedFwd);
        }
        if (!variant.invalidated() && freshness.mayServeStale()) {
            long maxStale = requestControl.maxStale();
            if (maxStale != CacheControl.ABSENT && freshness.staleWithin(now, secondsToMillis(maxStale))) {
                String status = CacheStatus.hit(ctx.name()).ttl(freshness.ttlMillis(now)).detail("max-stale")
                        .toString();
                return serve(store, request, primaryKey, keyDigest, selection, now, status, true, waitedFwd);
            }
            boolean constrained = requestControl.maxAge() != CacheControl.ABSENT
                    || requestControl.minFresh() != CacheControl.ABSENT;
            long window = freshness.staleWhileRevalidateMillis();
            if (!constrained && window > 0 && freshness.staleWithin(now, window)) {
                return staleWhileRevalidate(store, request, primaryKey, keyDigest, selection, now, waitedFwd);
            }
        }
        if (requestControl.onlyIfCached()) {
            return onlyIfCachedMiss(store);
        }
        return forward(store, request, primaryKey, keyDigest, selection, "stale", now, waitedFwd);
    }

    /**
     * A range request is answered from a fresh stored 200 (a 206 or 416 cut from it, or the whole response when
     * the range is ignored); anything else goes to the origin as it came, Range included, and its answer is neither
     * stored nor shared with other waiters.
     */
    private LookupResult rangeLookup(TenantStore store, CacheRequest request, CacheControl requestControl) {
        long now = ctx.now();
        if (!requestControl.noCache()) {
            byte[] primaryKey = PrimaryKey.of(request, store.settings().queryMode()).encode();
            Digest keyDigest = store.keyDigest(primaryKey);
            CacheExchange.Selection selection = select(store, store.get(keyDigest), primaryKey, request.headers());
            if (selection != null && selection.variant().status() == 200 && selection.variant().isFresh(now)
                    && clientAccepts(requestControl, selection.variant().freshness(), now)) {
                EntryCodec.Head head = open(store, keyDigest, selection);
                if (head != null) {
                    String status = CacheStatus.hit(ctx.name())
                            .ttl(selection.variant().freshness().ttlMillis(now)).toString();
                    LookupResult.Hit hit = countedHit(store, request, keyDigest, selection, head, now, status, false);
                    return HitAssembler.withRange(hit, request, head.headers(), ctx.segmentSize());
                }
            }
        }
        if (requestControl.onlyIfCached()) {
            return onlyIfCachedMiss(store);
        }
        return bypass(store, request, CacheExchange.Kind.BYPASS, "bypass");
    }

    private static boolean clientAccepts(CacheControl requestControl, Freshness freshness, long now) {
        long maxAge = requestControl.maxAge();
        if (maxAge != CacheControl.ABSENT && freshness.currentAgeMillis(now) > secondsToMillis(maxAge)) {
            return false;
        }
        long minFresh = requestControl.minFresh();
        return minFresh == CacheControl.ABSENT || freshness.ttlMillis(now) >= secondsToMillis(minFresh);
    }

    private static long secondsToMillis(long seconds) {
        return seconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
    }

    /** Picks the stored variant whose Vary-selected request values equal this request's (RFC 9111 §4.1). */
    private static CacheExchange.Selection select(TenantStore store, VariantGroup group, byte[] primaryKey,
                                                  HttpFields requestHeaders) {
        if (group == null) {
            return null;
        }
        EntrySealer sealer = store.sealer();
        List<StoredVariant> variants = group.variants();
        for (int i = variants.size() - 1; i >= 0; i--) {
            StoredVariant variant = variants.get(i);
            byte[] fullKey = VaryKey.of(primaryKey, variant.varyNames(), requestHeaders);
            // Without Vary the full key is the primary key's own: the group was found by that key's tag, and the
            // head opens only with the full key as associated data (a swapped variant fails there and is dropped),
            // so a second tag would add a PRF computation per hit and no check.
            if (variant.varyNames().isEmpty()
                    || EntryCodec.selectorDigest(sealer, fullKey).equals(variant.selector())) {
                return new CacheExchange.Selection(variant, fullKey);
            }
        }
        return null;
    }

    /** Opens a selected variant's head, dropping the variant when it fails to authenticate. */
    static EntryCodec.Head open(TenantStore store, Digest keyDigest, CacheExchange.Selection selection) {
        try {
            return EntryCodec.openHead(store.sealer(), selection.fullKey(), selection.variant());
        } catch (GeneralSecurityException e) {
            store.dropCorrupt(keyDigest, selection.variant().selector());
            return null;
        }
    }

    private LookupResult serve(TenantStore store, CacheRequest request, byte[] primaryKey, Digest keyDigest,
                               CacheExchange.Selection selection, long now, String status, boolean stale,
                               String waitedFwd) {
        EntryCodec.Head head = open(store, keyDigest, selection);
        if (head == null) {
            return forward(store, request, primaryKey, keyDigest, null, "uri-miss", now, waitedFwd);
        }
        return countedHit(store, request, keyDigest, selection, head, now, status, stale);
    }

    /** Counts a hit (stale or not) and assembles it from the opened head. */
    private LookupResult.Hit countedHit(TenantStore store, CacheRequest request, Digest keyDigest,
                                        CacheExchange.Selection selection, EntryCodec.Head head, long now,
                                        String status, boolean stale) {
        store.recordHit();
        if (stale) {
            ctx.listener().stale(store.name);
        } else {
            ctx.listener().hit(store.name);
        }
        return HitAssembler.assemble(store, request, keyDigest, selection, head, now, status);
    }

    private LookupResult staleWhileRevalidate(TenantStore store, CacheRequest request, byte[] primaryKey,
                                              Digest keyDigest, CacheExchange.Selection selection, long now,
                                              String waitedFwd) {
        EntryCodec.Head head = open(store, keyDigest, selection);
        if (head == null) {
            return forward(store, request, primaryKey, keyDigest, null, "uri-miss", now, waitedFwd);
        }
        Freshness freshness = selection.variant().freshness();
        String status = CacheStatus.hit(ctx.name()).ttl(freshness.ttlMillis(now))
                .detail("stale-while-revalidate").toString();
        LookupResult.Hit hit = countedHit(store, request, keyDigest, selection, head, now, status, true);
        InFlightTable.Flight flight = store.flights().lead(keyDigest, now, coalesceTimeoutMillis(store));
        Optional<CacheExchange> refresh = flight == null ? Optional.empty() : Optional.of(new CacheExchange(
                CacheExchange.Kind.REFRESH, store, request.withMethod("GET"), primaryKey, keyDigest, selection,
                "stale", now, flight, null, Validators.conditionalHeaders(head.headers()), CLIENT_VALIDATORS));
        return new LookupResult.Stale(hit, refresh);
    }

    private LookupResult forward(TenantStore store, CacheRequest request, byte[] primaryKey, Digest keyDigest,
                                 CacheExchange.Selection selection, String fwd, long now, String waitedFwd) {
        CacheExchange.Selection stale = selection;
        String reason = fwd;
        HttpFields conditional = HttpFields.empty();
        if (stale != null && stale.variant().hasValidators()) {
            EntryCodec.Head head = open(store, keyDigest, stale);
            if (head == null) {
                stale = null;
                reason = "uri-miss";
            } else {
                conditional = Validators.conditionalHeaders(head.headers());
            }
        }
        store.recordMiss();
        ctx.listener().miss(store.name);
        boolean coalesce = waitedFwd == null && "GET".equals(request.method()) && !"request".equals(reason);
        InFlightTable.Flight flight = null;
        if (coalesce) {
            InFlightTable.Waiter waiter = new InFlightTable.Waiter(request, reason, new CompletableFuture<>());
            InFlightTable.Coalescing coalescing = store.flights().leadOrJoin(keyDigest, waiter, now,
                    coalesceTimeoutMillis(store), store.settings().maxCoalescedWaiters());
            if (coalescing.joined() != null) {
                ctx.listener().coalesced(store.name);
                scheduleTimeout(store, coalescing.joined(), waiter);
                return new LookupResult.Coalesced(waiter.future());
            }
            flight = coalescing.led();
        }
        CacheExchange.Kind kind = conditional.isEmpty() ? CacheExchange.Kind.MISS : CacheExchange.Kind.REVALIDATE;
        CacheExchange exchange = new CacheExchange(kind, store, request, primaryKey, keyDigest, stale, reason, now,
                flight, waitedFwd == null ? null : Boolean.FALSE, conditional, CLIENT_VALIDATORS);
        return kind == CacheExchange.Kind.MISS
                ? new LookupResult.Miss(exchange) : new LookupResult.Revalidate(exchange);
    }

    private LookupResult bypass(TenantStore store, CacheRequest request, CacheExchange.Kind kind, String fwd) {
        if (store != null) {
            ctx.listener().bypass(store.name);
        }
        return new LookupResult.Bypass(new CacheExchange(kind, store, request, null, null, null, fwd, ctx.now(),
                null, null, HttpFields.empty(), List.of()));
    }

    private LookupResult onlyIfCachedMiss(TenantStore store) {
        store.recordMiss();
        ctx.listener().miss(store.name);
        return new LookupResult.OnlyIfCachedMiss(CacheStatus.none(ctx.name()).detail("only-if-cached").toString());
    }

    private static long coalesceTimeoutMillis(TenantStore store) {
        return store.settings().coalesceTimeout().toMillis();
    }

    private void scheduleTimeout(TenantStore store, InFlightTable.Flight flight, InFlightTable.Waiter waiter) {
        ctx.scheduler().schedule(ctx.executor(), () -> {
            if (store.flights().leave(flight, waiter)) {
                complete(waiter);
            }
        }, coalesceTimeoutMillis(store), TimeUnit.MILLISECONDS);
    }

    /** Ends an exchange once and releases its waiters, who look up again without coalescing. */
    void finish(CacheExchange exchange) {
        if (!exchange.markFinished() || exchange.flight == null) {
            return;
        }
        for (InFlightTable.Waiter waiter : exchange.store.flights().finish(exchange.flight)) {
            ctx.executor().execute(() -> complete(waiter));
        }
    }

    /** Releases every waiter of a removed tenant; their lookups now bypass. */
    void releaseAll(TenantStore store) {
        for (InFlightTable.Waiter waiter : store.flights().finishAll()) {
            ctx.executor().execute(() -> complete(waiter));
        }
    }

    private void complete(InFlightTable.Waiter waiter) {
        try {
            waiter.future().complete(lookup(waiter.request(), waiter.fwdReason()));
        } catch (RuntimeException e) {
            waiter.future().completeExceptionally(e);
        }
    }
}
