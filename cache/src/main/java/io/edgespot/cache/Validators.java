package io.edgespot.cache;

/** Compares entity tags and evaluates a client's conditional request against a stored response. */
final class Validators {
    private Validators() {
    }

    /** Weak comparison (RFC 9110 §8.8.3.2): opaque tags equal, ignoring {@code W/}. */
    static boolean weakMatch(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    private static String opaque(String tag) {
        String trimmed = tag.trim();
        return trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed;
    }

    /**
     * Returns whether the client's If-None-Match (or, without it, If-Modified-Since) is satisfied by the stored
     * response, so a 304 can be answered from the cache (RFC 9111 §4.3.2).
     */
    static boolean notModified(HttpFields request, HttpFields stored) {
        String etag = stored.get("etag");
        if (request.contains("if-none-match")) {
            for (String line : request.getAll("if-none-match")) {
                for (String candidate : line.split(",")) {
                    String tag = candidate.trim();
                    if ("*".equals(tag) || (etag != null && !tag.isEmpty() && weakMatch(tag, etag))) {
                        return true;
                    }
                }
            }
            return false;
        }
        long since = HttpDates.parse(request.get("if-modified-since"));
        if (since == HttpDates.INVALID) {
            return false;
        }
        long modified = HttpDates.parse(stored.get("last-modified"));
        if (modified == HttpDates.INVALID) {
            modified = HttpDates.parse(stored.get("date"));
        }
        return modified != HttpDates.INVALID && modified <= since;
    }

    /** Returns the upstream conditional headers that revalidate a stored response. */
    static HttpFields conditionalHeaders(HttpFields stored) {
        HttpFields.Builder builder = HttpFields.builder();
        String etag = stored.get("etag");
        if (etag != null) {
            builder.add("if-none-match", etag);
        }
        String lastModified = stored.get("last-modified");
        if (lastModified != null) {
            builder.add("if-modified-since", lastModified);
        }
        return builder.build();
    }
}
