package io.edgespot.cache;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides what happens to an origin response: store it, merge a 304 into the stored one (RFC 9111 §4.3.4), serve
 * stale on error (RFC 5861 §4), invalidate after unsafe methods (RFC 9111 §4.4), or pass it through.
 */
final class Responses {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization");
    /**
     * Fields a 304 must not overwrite in the stored response (RFC 9111 §3.2): Content-Length, and the fields that
     * describe the stored content itself (its coding, range and digests), which a 304 does not replace. Every other
     * field, Content-Type included, is updated.
     */
    private static final Set<String> NOT_UPDATED =
            Set.of("content-length", "content-encoding", "content-range", "content-md5", "content-digest");
    private static final Set<Integer> SERVER_ERRORS = Set.of(500, 502, 503, 504);

    private final CacheContext ctx;
    private final Lookups lookups;
    private final Purges purges;

    Responses(CacheContext ctx, Lookups lookups, Purges purges) {
        this.ctx = ctx;
        this.lookups = lookups;
        this.purges = purges;
    }

    ResponseDecision onResponse(CacheExchange exchange, int status, HttpFields headers) {
        if (!exchange.markResponded()) {
            throw new IllegalStateException("the response of this exchange was already reported");
        }
        List<String> strip = cacheOnlyFields(headers);
        if (exchange.kind == CacheExchange.Kind.BYPASS || exchange.kind == CacheExchange.Kind.UNSAFE) {
            if (exchange.kind == CacheExchange.Kind.UNSAFE && status >= 200 && status < 400) {
                purges.invalidateAfterUnsafe(exchange, headers);
            }
            lookups.finish(exchange);
            return new ResponseDecision.Pass(CacheStatus.fwd(ctx.name(), exchange.fwdReason).toString(), strip);
        }
        long now = ctx.now();
        if (status == 304 && exchange.stale != null && exchange.stale.variant().hasValidators()) {
            return merge(exchange, headers, now);
        }
        if (SERVER_ERRORS.contains(status) && exchange.stale != null) {
            LookupResult.Hit stale = staleIfError(exchange, status, now);
            if (stale != null) {
                return new ResponseDecision.Serve(stale);
            }
        }
        return storeOrPass(exchange, status, headers, strip, now);
    }

    ResponseDecision onError(CacheExchange exchange) {
        if (!exchange.markResponded()) {
            throw new IllegalStateException("the response of this exchange was already reported");
        }
        if (exchange.stale != null) {
            LookupResult.Hit stale = staleIfError(exchange, 0, ctx.now());
            if (stale != null) {
                return new ResponseDecision.Serve(stale);
            }
        }
        lookups.finish(exchange);
        return new ResponseDecision.Pass(CacheStatus.fwd(ctx.name(), exchange.fwdReason)
                .collapsed(exchange.collapsed).detail("origin-error").toString(), List.of());
    }

    private ResponseDecision storeOrPass(CacheExchange exchange, int status, HttpFields headers, List<String> strip,
                                         long now) {
        TenantStore store = exchange.store;
        TenantSettings settings = store.settings();
        CacheRequest request = exchange.request;
        ResponsePolicy policy = ResponsePolicy.of(headers, ctx.name());
        String reason = policy.notStorableReason(request, Lookups.requestControl(request.headers()), status,
                settings);
        Freshness freshness = null;
        if (reason == null) {
            freshness = policy.freshness(status, exchange.requestTimeMillis, now, settings);
            if (!policy.reusable(freshness)) {
                reason = "not-reusable";
            }
        }
        if (reason != null) {
            lookups.finish(exchange);
            return new ResponseDecision.Pass(CacheStatus.fwd(ctx.name(), exchange.fwdReason)
                    .collapsed(exchange.collapsed).detail(reason).toString(), strip);
        }
        List<String> varyNames = VaryKey.names(headers);
        byte[] fullKey = VaryKey.of(exchange.primaryKey, varyNames, request.headers());
        EntrySealer sealer = store.sealer();
        Digest selector = EntryCodec.selectorDigest(sealer, fullKey);
        Set<Digest> tags = tagDigests(sealer, headers);
        boolean validators = policy.hasValidators();
        Freshness stored = freshness;
        BodyCollector collector = new BodyCollector(sealer, fullKey, storedHeaders(headers, now),
                ctx.segmentSize(), settings.maxObjectBytes(), contentLength(headers),
                sealed -> complete(exchange, new StoredVariant(status, stored, validators, false, varyNames, selector,
                        tags, sealed.length(), sealed.head(), sealed.segments())),
                () -> lookups.finish(exchange));
        String cacheStatus = CacheStatus.fwd(ctx.name(), exchange.fwdReason).ttl(freshness.ttlMillis(now)).stored()
                .collapsed(exchange.collapsed).toString();
        return new ResponseDecision.Store(collector, cacheStatus, strip);
    }

    private boolean complete(CacheExchange exchange, StoredVariant variant) {
        TenantStore store = exchange.store;
        try {
            // A tenant removed or re-keyed while the body streamed must not receive the entry.
            if (ctx.tenants().get(store.name) != store) {
                return false;
            }
            store.put(exchange.keyDigest, exchange.primaryKey, variant);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        } finally {
            lookups.finish(exchange);
        }
    }

    private ResponseDecision merge(CacheExchange exchange, HttpFields update, long now) {
        TenantStore store = exchange.store;
        CacheExchange.Selection selection = exchange.stale;
        StoredVariant old = selection.variant();
        EntryCodec.Head head = Lookups.open(store, exchange.keyDigest, selection);
        String newTag = update.get("etag");
        String oldTag = head == null ? null : head.headers().get("etag");
        if (head == null || (newTag != null && oldTag != null && !Validators.weakMatch(newTag, oldTag))) {
            if (head != null) {
                store.removeVariant(exchange.keyDigest, old.selector());
            }
            lookups.finish(exchange);
            return new ResponseDecision.Refetch(CacheStatus.fwd(ctx.name(), exchange.fwdReason).fwdStatus(304)
                    .detail(head == null ? "decrypt-failed" : "validator-mismatch").toString());
        }
        HttpFields merged = mergeHeaders(head.headers(), update);
        TenantSettings settings = store.settings();
        ResponsePolicy policy = ResponsePolicy.of(merged, ctx.name());
        Freshness freshness = policy.freshness(old.status(), exchange.requestTimeMillis, now, settings);
        HttpFields storedHeaders = merged.toBuilder().remove("age").build();
        String reason = policy.notStorableReason(exchange.request.withMethod("GET"),
                Lookups.requestControl(exchange.request.headers()), old.status(), settings);
        StoredVariant updated = null;
        try {
            byte[] newHead = EntryCodec.sealHead(store.sealer(), selection.fullKey(), storedHeaders,
                    head.inlineBody(), old.sealedSegments().isEmpty());
            updated = old.freshen(freshness, policy.hasValidators(), newHead);
        } catch (GeneralSecurityException e) {
            reason = "seal-failed";
        }
        if (reason == null) {
            store.replace(exchange.keyDigest, old, updated);
        } else {
            store.removeVariant(exchange.keyDigest, old.selector());
        }
        store.recordHit();
        ctx.listener().revalidated(store.name);
        lookups.finish(exchange);
        CacheStatus status = CacheStatus.fwd(ctx.name(), exchange.fwdReason).fwdStatus(304)
                .ttl(freshness.ttlMillis(now));
        if (reason == null) {
            status.stored();
        }
        status.collapsed(exchange.collapsed).detail(reason);
        StoredVariant served = updated != null ? updated : old.freshen(freshness, old.hasValidators(),
                old.sealedHead());
        return new ResponseDecision.Serve(HitAssembler.assemble(store, exchange.request, exchange.keyDigest,
                new CacheExchange.Selection(served, selection.fullKey()),
                new EntryCodec.Head(storedHeaders, head.inlineBody()), now, status.toString()));
    }

    private LookupResult.Hit staleIfError(CacheExchange exchange, int status, long now) {
        CacheExchange.Selection selection = exchange.stale;
        Freshness freshness = selection.variant().freshness();
        long requestWindow = Lookups.requestControl(exchange.request.headers()).staleIfError();
        long window = Math.max(freshness.staleIfErrorMillis(), Math.max(0, requestWindow) * 1000);
        if (!freshness.mayServeStale() || window <= 0 || !freshness.staleWithin(now, window)) {
            return null;
        }
        TenantStore store = exchange.store;
        EntryCodec.Head head = Lookups.open(store, exchange.keyDigest, selection);
        if (head == null) {
            return null;
        }
        lookups.finish(exchange);
        store.recordHit();
        ctx.listener().stale(store.name);
        CacheStatus cacheStatus = CacheStatus.fwd(ctx.name(), exchange.fwdReason);
        if (status > 0) {
            cacheStatus.fwdStatus(status);
        }
        cacheStatus.ttl(freshness.ttlMillis(now)).collapsed(exchange.collapsed).detail("stale-if-error");
        return HitAssembler.assemble(store, exchange.request, exchange.keyDigest, selection, head, now,
                cacheStatus.toString());
    }

    /** Returns the fields kept with a stored response: no hop-by-hop fields, no Age, and a Date. */
    private static HttpFields storedHeaders(HttpFields headers, long now) {
        Set<String> drop = new HashSet<>(HOP_BY_HOP);
        drop.add("age");
        for (String line : headers.getAll("connection")) {
            for (String name : line.split(",")) {
                drop.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        HttpFields.Builder builder = HttpFields.builder();
        headers.forEach((name, value) -> {
            if (!drop.contains(name)) {
                builder.add(name, value);
            }
        });
        if (!headers.contains("date")) {
            builder.add("date", HttpDates.format(now));
        }
        return builder.build();
    }

    /** Replaces stored fields by the 304's, except framing fields and those describing the stored content. */
    private static HttpFields mergeHeaders(HttpFields stored, HttpFields update) {
        HttpFields.Builder builder = stored.toBuilder();
        for (String name : update.names()) {
            if (!HOP_BY_HOP.contains(name) && !NOT_UPDATED.contains(name)) {
                builder.remove(name);
                update.getAll(name).forEach(value -> builder.add(name, value));
            }
        }
        return builder.build();
    }

    private static Set<Digest> tagDigests(EntrySealer sealer, HttpFields headers) {
        Set<Digest> tags = new HashSet<>();
        for (String field : List.of("surrogate-key", "cache-tag")) {
            for (String line : headers.getAll(field)) {
                for (String tag : line.split("[\\s,]+")) {
                    if (!tag.isEmpty()) {
                        tags.add(EntryCodec.purgeTagDigest(sealer, tag));
                    }
                }
            }
        }
        return Set.copyOf(tags);
    }

    private static long contentLength(HttpFields headers) {
        String value = headers.get("content-length");
        if (value == null || value.isBlank() || !value.trim().chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return CacheControl.parseDelta(value.trim());
    }

    private static List<String> cacheOnlyFields(HttpFields headers) {
        List<String> present = new ArrayList<>(2);
        for (String name : ResponsePolicy.CACHE_ONLY_FIELDS) {
            if (headers.contains(name)) {
                present.add(name);
            }
        }
        return List.copyOf(present);
    }
}
