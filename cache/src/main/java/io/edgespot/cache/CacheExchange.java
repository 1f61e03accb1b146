package io.edgespot.cache;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handle of one request that goes to the origin, from lookup until its response is reported.
 *
 * <p>The proxy forwards the request after removing {@link #requestHeadersToRemove()} and adding
 * {@link #conditionalHeaders()}, then calls {@link HttpCache#onResponse} or {@link HttpCache#onError} once, or
 * {@link HttpCache#abandon} if it gives up before a response head arrives. Until then other requests for the same
 * URL may be waiting on this exchange.
 */
public final class CacheExchange {
    /** What kind of forward this is. */
    enum Kind { MISS, REVALIDATE, REFRESH, BYPASS, UNSAFE }

    private static final int OPEN = 0;
    private static final int RESPONDED = 1;

    final Kind kind;
    final TenantStore store;
    final CacheRequest request;
    final byte[] primaryKey;
    final Digest keyDigest;
    final Selection stale;
    final String fwdReason;
    final long requestTimeMillis;
    final InFlightTable.Flight flight;
    final Boolean collapsed;
    private final HttpFields conditionalHeaders;
    private final List<String> requestHeadersToRemove;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final AtomicBoolean finished = new AtomicBoolean();

    CacheExchange(Kind kind, TenantStore store, CacheRequest request, byte[] primaryKey, Digest keyDigest,
                  Selection stale, String fwdReason, long requestTimeMillis, InFlightTable.Flight flight,
                  Boolean collapsed, HttpFields conditionalHeaders, List<String> requestHeadersToRemove) {
        this.kind = kind;
        this.store = store;
        this.request = request;
        this.primaryKey = primaryKey;
        this.keyDigest = keyDigest;
        this.stale = stale;
        this.fwdReason = fwdReason;
        this.requestTimeMillis = requestTimeMillis;
        this.flight = flight;
        this.collapsed = collapsed;
        this.conditionalHeaders = conditionalHeaders;
        this.requestHeadersToRemove = requestHeadersToRemove;
    }

    /** Returns the header fields to add to the upstream request (If-None-Match / If-Modified-Since). */
    public HttpFields conditionalHeaders() {
        return conditionalHeaders;
    }

    /**
     * Returns the lower-case names of request header fields to remove before forwarding: the client's own
     * validators, so that the origin answers with a full response the cache can store or with a 304 for the
     * cache's validators.
     */
    public List<String> requestHeadersToRemove() {
        return requestHeadersToRemove;
    }

    /** Returns whether this is a stale-while-revalidate background refresh, whose result nobody waits for. */
    public boolean isBackgroundRefresh() {
        return kind == Kind.REFRESH;
    }

    /** Marks the response head as reported; returns false if it already was. */
    boolean markResponded() {
        return state.compareAndSet(OPEN, RESPONDED);
    }

    /** Marks the exchange finished; returns true only the first time, so waiters are released once. */
    boolean markFinished() {
        return finished.compareAndSet(false, true);
    }

    /** A stored variant selected for a request, with the full key that opens it. */
    record Selection(StoredVariant variant, byte[] fullKey) {
    }
}
