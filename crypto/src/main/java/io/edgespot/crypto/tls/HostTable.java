package io.edgespot.crypto.tls;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An immutable SNI lookup table: exact host names first, then {@code *.} wildcards, then the default entry.
 *
 * @param <T> what a host maps to
 */
final class HostTable<T> {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final Map<String, T> exact;
    private final Map<String, T> wildcard;
    private final T fallback;

    private HostTable(Map<String, T> exact, Map<String, T> wildcard, T fallback) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.fallback = fallback;
    }

    /** Collects host patterns; refuses a pattern claimed twice, since the choice between them would be arbitrary. */
    static final class Builder<T> {
        private final Map<String, T> exact = new HashMap<>();
        private final Map<String, T> wildcard = new HashMap<>();
        private final Map<String, String> owners = new HashMap<>();
        private T fallback;

        Builder<T> add(String owner, List<String> patterns, T value) {
            for (String pattern : patterns) {
                String previous = owners.putIfAbsent(pattern, owner);
                if (previous != null) {
                    throw new IllegalArgumentException("host '" + pattern + "' is claimed by both " + previous
                            + " and " + owner);
                }
                if (pattern.startsWith("*.")) {
                    wildcard.put(pattern.substring(2), value);
                } else {
                    exact.put(pattern, value);
                }
            }
            return this;
        }

        Builder<T> fallback(T value) {
            this.fallback = value;
            return this;
        }

        HostTable<T> build() {
            return new HostTable<>(Map.copyOf(exact), Map.copyOf(wildcard), fallback);
        }
    }

    /**
     * Finds the entry for a requested server name, or the default entry, or {@code null}.
     *
     * @param host the SNI host name in any case, or {@code null} when the client sent none
     */
    T lookup(String host) {
        String name = normalizeHost(host);
        if (name == null) {
            return fallback;
        }
        T value = exact.get(name);
        if (value != null) {
            return value;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            value = wildcard.get(name.substring(dot + 1));
            if (value != null) {
                return value;
            }
        }
        return fallback;
    }

    /** Lower-cases a requested name and drops one trailing dot; {@code null} for absent or empty names. */
    static String normalizeHost(String host) {
        if (host == null) {
            return null;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.isEmpty() ? null : name;
    }

    /** Normalises a configured pattern, or returns {@code null} if it is not a valid host or wildcard. */
    static String normalizePattern(String pattern) {
        String name = normalizeHost(pattern.strip());
        if (name == null || name.length() > 253) {
            return null;
        }
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.equals(name) && name.contains("*")) {
            return null;
        }
        if (name.startsWith("*.") && !rest.contains(".")) {
            // "*.example" would cover a whole top-level domain; no certificate authority issues such a name.
            return null;
        }
        for (String label : rest.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return name;
    }
}
