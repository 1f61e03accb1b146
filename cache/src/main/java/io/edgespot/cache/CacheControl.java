package io.edgespot.cache;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed Cache-Control style directives (also used for CDN-Cache-Control and Surrogate-Control).
 *
 * <p>The first occurrence of a directive wins (RFC 9111 §4.2.1). Delta-seconds that are not integers are read as
 * 0, which makes the response stale as the RFC encourages; values beyond 2^31 are capped (RFC 9111 §1.2.2).
 */
final class CacheControl {
    static final long ABSENT = -1;
    static final CacheControl NONE = new CacheControl(Map.of());
    private static final long MAX_DELTA = 1L << 31;

    private final Map<String, String> directives;

    private CacheControl(Map<String, String> directives) {
        this.directives = directives;
    }

    /** Parses every field line of one header; quoted values may contain commas. */
    static CacheControl parse(List<String> lines) {
        if (lines.isEmpty()) {
            return NONE;
        }
        Map<String, String> directives = new LinkedHashMap<>();
        for (String line : lines) {
            parseLine(line, directives::putIfAbsent);
        }
        return directives.isEmpty() ? NONE : new CacheControl(Collections.unmodifiableMap(directives));
    }

    /**
     * Parses {@code Surrogate-Control} (W3C Edge Architecture 1.0), whose directives may be targeted at one
     * surrogate with a {@code ;device-token} suffix, as in {@code max-age=3600;edgespot} or {@code no-store;cdn}.
     * Directives targeted at {@code deviceToken} (compared case-insensitively) apply and take precedence over
     * untargeted ones of the same name; directives targeted at another device are ignored, so a field that targets
     * only other devices reads as empty and leaves this cache to Cache-Control.
     */
    static CacheControl parseTargeted(List<String> lines, String deviceToken) {
        if (lines.isEmpty()) {
            return NONE;
        }
        Map<String, String> mine = new LinkedHashMap<>();
        Map<String, String> untargeted = new LinkedHashMap<>();
        for (String line : lines) {
            parseLine(line, (name, value) -> {
                String target = null;
                int semi = name.indexOf(';');
                if (semi >= 0) {
                    target = name.substring(semi + 1).trim();
                    name = name.substring(0, semi).trim();
                } else if ((semi = value.indexOf(';')) >= 0) {
                    target = value.substring(semi + 1).trim();
                    value = value.substring(0, semi).trim();
                }
                if (name.isEmpty()) {
                    return;
                }
                if (target == null) {
                    untargeted.putIfAbsent(name, value);
                } else if (target.equalsIgnoreCase(deviceToken)) {
                    mine.putIfAbsent(name, value);
                }
            });
        }
        untargeted.forEach(mine::putIfAbsent);
        return mine.isEmpty() ? NONE : new CacheControl(Collections.unmodifiableMap(mine));
    }

    private static void parseLine(String line, java.util.function.BiConsumer<String, String> out) {
        int i = 0;
        int n = line.length();
        while (i < n) {
            int start = i;
            while (i < n && line.charAt(i) != ',' && line.charAt(i) != '=') {
                i++;
            }
            String name = line.substring(start, i).trim().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && line.charAt(i) == '=') {
                i++;
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) == '"') {
                    int close = line.indexOf('"', i + 1);
                    close = close < 0 ? n : close;
                    value = line.substring(i + 1, close);
                    i = Math.min(n, close + 1);
                    while (i < n && line.charAt(i) != ',') {
                        i++;
                    }
                } else {
                    int valueStart = i;
                    while (i < n && line.charAt(i) != ',') {
                        i++;
                    }
                    value = line.substring(valueStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                out.accept(name, value);
            }
            i++;
        }
    }

    boolean isEmpty() {
        return directives.isEmpty();
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** Returns the directive's delta-seconds, {@link #ABSENT}, or 0 when the value is not a valid integer. */
    long seconds(String directive) {
        String value = directives.get(directive);
        if (value == null) {
            return ABSENT;
        }
        return parseDelta(value);
    }

    /** Parses delta-seconds; invalid text reads as 0 and huge values are capped. */
    static long parseDelta(String value) {
        if (value.isEmpty()) {
            return 0;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            result = result * 10 + (c - '0');
            if (result >= MAX_DELTA) {
                return MAX_DELTA;
            }
        }
        return result;
    }

    boolean noStore() {
        return has("no-store");
    }

    /** Returns whether no-cache is present, in bare or field-name form; both force revalidation here. */
    boolean noCache() {
        return has("no-cache");
    }

    boolean isPrivate() {
        return has("private");
    }

    boolean isPublic() {
        return has("public");
    }

    boolean mustRevalidate() {
        return has("must-revalidate");
    }

    boolean proxyRevalidate() {
        return has("proxy-revalidate");
    }

    boolean onlyIfCached() {
        return has("only-if-cached");
    }

    long maxAge() {
        return seconds("max-age");
    }

    long sMaxAge() {
        return seconds("s-maxage");
    }

    long minFresh() {
        return seconds("min-fresh");
    }

    /** Returns the max-stale bound in seconds, {@link #ABSENT}, or {@code Long.MAX_VALUE} for a bare max-stale. */
    long maxStale() {
        String value = directives.get("max-stale");
        if (value == null) {
            return ABSENT;
        }
        return value.isEmpty() ? Long.MAX_VALUE : parseDelta(value);
    }

    long staleWhileRevalidate() {
        return seconds("stale-while-revalidate");
    }

    long staleIfError() {
        return seconds("stale-if-error");
    }

    @Override
    public String toString() {
        return "CacheControl" + directives.keySet();
    }
}
