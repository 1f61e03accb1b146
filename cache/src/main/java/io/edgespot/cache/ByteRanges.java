package io.edgespot.cache;

import java.util.List;

/**
 * Range requests answered from a stored 200 (RFC 9110 §14): one byte range becomes a 206, a range that starts
 * past the end a 416, and anything else (several ranges, another unit, bad syntax, an If-Range that does not
 * hold) the whole response, as §14.2 lets a server ignore {@code Range}.
 */
final class ByteRanges {
    private static final String BYTES = "bytes=";

    private ByteRanges() {
    }

    /** What a Range header asks of a representation of a known length. */
    sealed interface Outcome permits Whole, Part, Unsatisfiable {
    }

    /** Serve the whole representation. */
    record Whole() implements Outcome {
    }

    /** Serve bytes {@code first} to {@code last}, inclusive. */
    record Part(long first, long last) implements Outcome {
        long length() {
            return last - first + 1;
        }

        String contentRange(long complete) {
            return "bytes " + first + "-" + last + "/" + complete;
        }
    }

    /** No byte of the range exists: 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements Outcome {
    }

    private static final Outcome WHOLE = new Whole();
    private static final Outcome UNSATISFIABLE = new Unsatisfiable();

    /**
     * Resolves the request's Range against a stored response.
     *
     * @param request the request fields ({@code range}, {@code if-range})
     * @param stored the stored response's fields ({@code etag}, {@code last-modified})
     * @param length the stored body length
     */
    static Outcome resolve(HttpFields request, HttpFields stored, long length) {
        List<String> ranges = request.getAll("range");
        if (ranges.size() != 1 || !ifRangeHolds(request, stored)) {
            return WHOLE;
        }
        return parse(ranges.get(0), length);
    }

    /** Parses one {@code Range} value (§14.1.2) against {@code length}. */
    static Outcome parse(String value, long length) {
        String spec = value.trim();
        if (!spec.regionMatches(true, 0, BYTES, 0, BYTES.length()) || spec.indexOf(',') >= 0) {
            return WHOLE;
        }
        spec = spec.substring(BYTES.length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        if (from.isEmpty()) { // suffix-range: the last N bytes
            long suffix = digits(to);
            if (suffix < 0) {
                return WHOLE;
            }
            if (suffix == 0 || length == 0) {
                return UNSATISFIABLE;
            }
            return new Part(Math.max(0, length - suffix), length - 1);
        }
        long first = digits(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
        if (first < 0 || last < 0 || last < first) {
            return WHOLE; // an invalid range-spec: the field is ignored
        }
        if (first >= length) {
            return UNSATISFIABLE;
        }
        return new Part(first, Math.min(last, length - 1));
    }

    /**
     * Tells whether an If-Range precondition (§13.1.5) lets the range apply: no If-Range, an entity tag equal to
     * the stored strong ETag (strong comparison), or an HTTP-date equal to the stored Last-Modified.
     */
    static boolean ifRangeHolds(HttpFields request, HttpFields stored) {
        String condition = request.get("if-range");
        if (condition == null) {
            return true;
        }
        condition = condition.trim();
        if (condition.startsWith("\"") || condition.startsWith("W/")) {
            String etag = stored.get("etag");
            return etag != null && !condition.startsWith("W/") && !etag.trim().startsWith("W/")
                    && condition.equals(etag.trim());
        }
        long date = HttpDates.parse(condition);
        long modified = HttpDates.parse(stored.get("last-modified"));
        return date != HttpDates.INVALID && modified != HttpDates.INVALID && date == modified;
    }

    /** Parses 1 to 18 ASCII digits, or returns -1. */
    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
