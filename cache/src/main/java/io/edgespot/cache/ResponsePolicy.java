package io.edgespot.cache;

import java.util.List;
import java.util.Set;

/**
 * Applies RFC 9111 §3 (storing) and §4.2 (freshness) to an origin response, honouring RFC 9213 targeted fields.
 *
 * <p>When {@code CDN-Cache-Control} (or, failing that, {@code Surrogate-Control}) holds directives, they replace
 * both Cache-Control and Expires for this cache (RFC 9213 §2.1); downstream caches still see Cache-Control.
 */
final class ResponsePolicy {
    /** Targeted fields in precedence order. */
    static final List<String> TARGETED_FIELDS = List.of("cdn-cache-control", "surrogate-control");
    /** Fields meant for this cache only, removed from what goes downstream. */
    static final List<String> CACHE_ONLY_FIELDS =
            List.of("cdn-cache-control", "surrogate-control", "surrogate-key", "cache-tag");

    /**
     * Status codes whose caching requirements this cache implements: a response with {@code must-understand} and any
     * other status is not stored (RFC 9111 §5.2.2.3). Other final status codes are stored only with explicit
     * freshness or {@code public} (RFC 9111 §3).
     */
    private static final Set<Integer> UNDERSTOOD =
            Set.of(200, 203, 204, 300, 301, 302, 307, 308, 404, 405, 410, 414, 501);
    private static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

    private final CacheControl control;
    private final boolean targeted;
    private final HttpFields headers;

    private ResponsePolicy(CacheControl control, boolean targeted, HttpFields headers) {
        this.control = control;
        this.targeted = targeted;
        this.headers = headers;
    }

    /** Selects the directives that govern this cache for a response, for a cache named {@code edgespot}. */
    static ResponsePolicy of(HttpFields headers) {
        return of(headers, HttpCacheBuilder.DEFAULT_NAME);
    }

    /**
     * Selects the directives that govern this cache for a response.
     *
     * @param headers the response fields
     * @param deviceToken this cache's name, the device token that {@code Surrogate-Control} directives may target
     */
    static ResponsePolicy of(HttpFields headers, String deviceToken) {
        for (String name : TARGETED_FIELDS) {
            CacheControl control = name.equals("surrogate-control")
                    ? CacheControl.parseTargeted(headers.getAll(name), deviceToken)
                    : CacheControl.parse(headers.getAll(name));
            if (!control.isEmpty()) {
                return new ResponsePolicy(control, true, headers);
            }
        }
        return new ResponsePolicy(CacheControl.parse(headers.getAll("cache-control")), false, headers);
    }

    CacheControl control() {
        return control;
    }

    /**
     * Returns why the response must not be stored, or {@code null} when it may be.
     *
     * @param request the request that produced it
     * @param requestControl the request's Cache-Control
     * @param status the response status
     * @param settings the tenant's settings
     */
    String notStorableReason(CacheRequest request, CacheControl requestControl, int status,
                             TenantSettings settings) {
        if (!"GET".equals(request.method())) {
            return "method";
        }
        if (status == 206) {
            return "partial";
        }
        // RFC 9111 §3: any final status may be stored; 304 only ever updates a stored response.
        if (status < 200 || status > 599 || status == 304) {
            return "status";
        }
        boolean mustUnderstand = control.has("must-understand");
        if (mustUnderstand && !UNDERSTOOD.contains(status)) {
            return "must-understand";
        }
        // RFC 9111 §5.2.2.3: a cache that understands the status of a must-understand response ignores no-store,
        // which is there for caches that do not implement must-understand.
        if (requestControl.noStore() || (control.noStore() && !mustUnderstand)) {
            return "no-store";
        }
        if (control.isPrivate()) {
            return "private";
        }
        if (request.headers().contains("authorization")
                && !(control.isPublic() || control.sMaxAge() != CacheControl.ABSENT || control.mustRevalidate())) {
            return "authorization";
        }
        if (headers.contains("set-cookie") && !settings.cacheSetCookie()) {
            return "set-cookie";
        }
        if (VaryKey.isWildcard(VaryKey.names(headers))) {
            return "vary-star";
        }
        if (!hasExplicitFreshness() && !control.isPublic() && !HEURISTIC.contains(status)) {
            return "status";
        }
        long contentLength = CacheControl.parseDelta(headers.get("content-length") == null
                ? "0" : headers.get("content-length").trim());
        if (contentLength > settings.maxObjectBytes()) {
            return "too-large";
        }
        return null;
    }

    /** Returns whether a stored copy could ever be reused: fresh for a while, or revalidatable. */
    boolean reusable(Freshness freshness) {
        return (freshness.lifetimeMillis() > 0 && !freshness.noCache()) || hasValidators();
    }

    boolean hasValidators() {
        return headers.contains("etag") || headers.contains("last-modified");
    }

    private boolean hasExplicitFreshness() {
        return control.maxAge() != CacheControl.ABSENT || control.sMaxAge() != CacheControl.ABSENT
                || (!targeted && headers.contains("expires"));
    }

    /**
     * Computes the timing metadata to store.
     *
     * @param status the response status
     * @param requestTimeMillis when the request went to the origin
     * @param responseTimeMillis when the response head arrived
     * @param settings the tenant's settings (heuristic cap)
     */
    Freshness freshness(int status, long requestTimeMillis, long responseTimeMillis, TenantSettings settings) {
        long date = HttpDates.parse(headers.get("date"));
        if (date == HttpDates.INVALID) {
            date = responseTimeMillis;
        }
        long ageValue = ageValue(headers);
        long apparentAge = Math.max(0, responseTimeMillis - date);
        long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
        long correctedAgeValue = ageValue * 1000 + responseDelay;
        long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
        long swr = Math.max(0, control.staleWhileRevalidate());
        long sie = Math.max(0, control.staleIfError());
        boolean mustRevalidate = control.mustRevalidate() || control.proxyRevalidate()
                || control.sMaxAge() != CacheControl.ABSENT;
        return new Freshness(responseTimeMillis, correctedInitialAge, lifetimeMillis(status, date, settings),
                swr * 1000, sie * 1000, control.noCache(), mustRevalidate);
    }

    /**
     * Returns the Age value in seconds (RFC 9111 §5.1): of a list-based value, spread over one line or several,
     * only the first member counts; a value that is not a non-negative integer is ignored (read as 0).
     */
    static long ageValue(HttpFields headers) {
        String first = headers.get("age");
        if (first == null) {
            return 0;
        }
        int comma = first.indexOf(',');
        String member = (comma < 0 ? first : first.substring(0, comma)).trim();
        return member.isEmpty() ? 0 : CacheControl.parseDelta(member);
    }

    private long lifetimeMillis(int status, long date, TenantSettings settings) {
        if (control.sMaxAge() != CacheControl.ABSENT) {
            return control.sMaxAge() * 1000;
        }
        if (control.maxAge() != CacheControl.ABSENT) {
            return control.maxAge() * 1000;
        }
        if (!targeted && headers.contains("expires")) {
            long expires = HttpDates.parse(headers.get("expires"));
            // An invalid Expires, such as "0", means already expired (RFC 9111 §5.3).
            return expires == HttpDates.INVALID ? 0 : Math.max(0, expires - date);
        }
        if (HEURISTIC.contains(status) || control.isPublic()) {
            long lastModified = HttpDates.parse(headers.get("last-modified"));
            if (lastModified != HttpDates.INVALID && lastModified <= date) {
                return Math.min(settings.heuristicMaxLifetime().toMillis(), (date - lastModified) / 10);
            }
        }
        return 0;
    }
}
