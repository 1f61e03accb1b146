package io.edgespot.cache;

import java.util.Locale;
import java.util.Objects;

/**
 * The parts of a downstream request that the cache needs: who asks for what, with which headers.
 *
 * @param tenant the tenant the request was routed to; every cache key starts with it
 * @param method the request method, e.g. {@code GET}
 * @param scheme {@code http} or {@code https}
 * @param host the request authority (Host or :authority), possibly with a port
 * @param pathAndQuery the request target in origin form, e.g. {@code /a/b?x=1}
 * @param headers the request header fields
 */
public record CacheRequest(String tenant, String method, String scheme, String host, String pathAndQuery,
                           HttpFields headers) {

    /** Validates the components and upper-cases the method and lower-cases the scheme. */
    public CacheRequest {
        Objects.requireNonNull(tenant, "tenant");
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(headers, "headers");
    }

    /** Returns a {@code GET} request without header fields, convenient for tests and purges. */
    public static CacheRequest get(String tenant, String scheme, String host, String pathAndQuery) {
        return new CacheRequest(tenant, "GET", scheme, host, pathAndQuery, HttpFields.empty());
    }

    /** Returns a copy with other header fields. */
    public CacheRequest withHeaders(HttpFields newHeaders) {
        return new CacheRequest(tenant, method, scheme, host, pathAndQuery, newHeaders);
    }

    /** Returns a copy with another method. */
    public CacheRequest withMethod(String newMethod) {
        return new CacheRequest(tenant, newMethod, scheme, host, pathAndQuery, headers);
    }
}
