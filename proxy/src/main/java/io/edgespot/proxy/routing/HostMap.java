package io.edgespot.proxy.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a request host to a value, exact names first, then the longest {@code *.suffix} wildcard.
 *
 * <p>A wildcard {@code *.acme.example} matches {@code a.acme.example} and {@code a.b.acme.example}
 * but not {@code acme.example} itself. Immutable and safe to share between event loops.
 *
 * @param <V> the mapped value
 */
public final class HostMap<V> {

    private final Map<String, V> exact;
    private final Map<String, V> wildcards;

    private HostMap(Map<String, V> exact, Map<String, V> wildcards) {
        this.exact = exact;
        this.wildcards = wildcards;
    }

    /** Builds a map from host patterns (exact, or starting with {@code *.}). */
    public static <V> HostMap<V> of(Map<String, V> patterns) {
        Map<String, V> exact = new HashMap<>();
        Map<String, V> wild = new HashMap<>();
        patterns.forEach((pattern, v) -> {
            String p = pattern.toLowerCase(Locale.ROOT);
            if (p.startsWith("*.")) {
                wild.put(p.substring(1), v);
            } else {
                exact.put(p, v);
            }
        });
        return new HostMap<>(Map.copyOf(exact), Map.copyOf(wild));
    }

    /**
     * Looks up a host.
     *
     * @param host a host name without port, any case; may be null
     * @return the value, or null when nothing matches
     */
    public V get(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        V v = exact.get(h);
        if (v != null || wildcards.isEmpty()) {
            return v;
        }
        for (int dot = h.indexOf('.'); dot >= 0; dot = h.indexOf('.', dot + 1)) {
            v = wildcards.get(h.substring(dot));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /**
     * Strips the port from a Host header value, handling IPv6 literals.
     *
     * @return the host part, or null when the value is malformed
     */
    public static String hostOf(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? null : h.substring(1, close);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
