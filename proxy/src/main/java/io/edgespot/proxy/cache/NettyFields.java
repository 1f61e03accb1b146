package io.edgespot.proxy.cache;

import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.HttpFields;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Converts between Netty's {@link HttpHeaders} and the cache's {@link HttpFields}, and builds a
 * {@link CacheRequest} from a Netty request.
 *
 * <p>Case: {@link HttpFields} is case-insensitive and stores names lower-cased, so {@link #from} may be given
 * names in any case and {@link #copyInto} writes lower-case names, which HTTP/1.1 treats as equal and HTTP/2
 * requires. Every field line is kept as its own value, in order, on both sides.
 *
 * <p>Stateless and thread-safe.
 */
public final class NettyFields {
    private NettyFields() {
    }

    /**
     * Copies Netty headers into an immutable field set.
     *
     * <p>Iterates the headers once without converting them to a map of strings first; names that Netty holds as
     * lower-case {@code AsciiString} constants convert without copying their bytes again.
     *
     * @param headers the Netty headers
     * @return the same field lines, names lower-cased
     */
    public static HttpFields from(HttpHeaders headers) {
        if (headers.isEmpty()) {
            return HttpFields.empty();
        }
        HttpFields.Builder builder = HttpFields.builder();
        Iterator<Map.Entry<CharSequence, CharSequence>> lines = headers.iteratorCharSequence();
        while (lines.hasNext()) {
            Map.Entry<CharSequence, CharSequence> line = lines.next();
            builder.add(line.getKey().toString(), line.getValue().toString());
        }
        return builder.build();
    }

    /**
     * Adds every field line to Netty headers, keeping lines already there.
     *
     * @param fields the fields to copy
     * @param headers the destination, typically a response being built
     */
    public static void copyInto(HttpFields fields, HttpHeaders headers) {
        fields.forEach(headers::add);
    }

    /**
     * Builds the cache's view of a downstream request.
     *
     * <p>An absolute-form target ({@code GET http://host/path}) is reduced to origin form; the authority that
     * counts is {@code host}, which the caller has already resolved and matched to {@code tenant}.
     *
     * @param request the Netty request head
     * @param tenant the tenant the request was routed to
     * @param scheme {@code http} or {@code https}, as the client reached the listener
     * @param host the request authority (Host or {@code :authority}), possibly with a port
     * @return the cache request
     */
    public static CacheRequest request(HttpRequest request, String tenant, String scheme, String host) {
        Objects.requireNonNull(request, "request");
        return new CacheRequest(tenant, request.method().name(), scheme, host, originForm(request.uri()),
                from(request.headers()));
    }

    /**
     * Returns the origin-form part ({@code /path?query}) of a request target.
     *
     * @param target a request target in origin, absolute or asterisk form
     * @return the path and query; {@code /} for an absolute URI without a path; other forms unchanged
     */
    static String originForm(String target) {
        if (target.isEmpty() || target.charAt(0) == '/') {
            return target;
        }
        int schemeEnd = target.indexOf("://");
        if (schemeEnd <= 0 || !isScheme(target, schemeEnd)) {
            return target;
        }
        int authorityStart = schemeEnd + 3;
        for (int i = authorityStart; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/') {
                return target.substring(i);
            }
            if (c == '?') {
                return "/" + target.substring(i);
            }
        }
        return "/";
    }

    private static boolean isScheme(String target, int end) {
        for (int i = 0; i < end; i++) {
            char c = target.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
