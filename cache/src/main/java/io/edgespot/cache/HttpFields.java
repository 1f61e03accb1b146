package io.edgespot.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable, case-insensitive multi-map of HTTP header fields.
 *
 * <p>Names are stored lower-cased (the HTTP/2 wire form); the order of names and of the values of one name is the
 * order in which they were added. The proxy converts its Netty headers to this type at the cache boundary.
 *
 * <p>{@link #toString()} prints field names only: header values can carry cookies and credentials and must never
 * reach a log.
 */
public final class HttpFields {
    private static final HttpFields EMPTY = new HttpFields(Map.of());

    private final Map<String, List<String>> fields;

    private HttpFields(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Returns the empty field set. */
    public static HttpFields empty() {
        return EMPTY;
    }

    /**
     * Returns a field set holding the given name/value pairs.
     *
     * @param namesAndValues alternating names and values
     * @return the field set
     * @throws IllegalArgumentException if an odd number of strings is given
     */
    public static HttpFields of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues must hold name/value pairs");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** Returns a new empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder pre-filled with these fields. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.fields.putAll(fields); // the lists are immutable: shared, and replaced when a line is added
        return builder;
    }

    /**
     * Returns the first value of a field.
     *
     * @param name the field name, in any case
     * @return the first value, or {@code null} when the field is absent
     */
    public String get(String name) {
        List<String> values = fields.get(lower(name));
        return values == null ? null : values.get(0);
    }

    /**
     * Returns every value of a field, one element per field line, in order.
     *
     * @param name the field name, in any case
     * @return the values, empty when the field is absent
     */
    public List<String> getAll(String name) {
        List<String> values = fields.get(lower(name));
        return values == null ? List.of() : values;
    }

    /** Returns whether the field is present. */
    public boolean contains(String name) {
        return fields.containsKey(lower(name));
    }

    /** Returns the lower-cased field names, in insertion order. */
    public Set<String> names() {
        return fields.keySet();
    }

    /** Returns whether there are no fields. */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Calls {@code action} once per field line with the lower-cased name and the value. */
    public void forEach(BiConsumer<String, String> action) {
        fields.forEach((name, values) -> values.forEach(value -> action.accept(name, value)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpFields that && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "HttpFields" + fields.keySet();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * A mutable builder of {@link HttpFields}; not thread-safe.
     *
     * <p>Each name maps to an immutable list, which an added line replaces, so {@link #build()} hands its map to the
     * field set as it is and the builder copies it (shallowly) only if it is changed again: a cache hit builds three
     * field sets, and copying each one's map and lists showed in its profile.
     */
    public static final class Builder {
        private Map<String, List<String>> fields = new LinkedHashMap<>();
        /** Whether {@link #fields} belongs to a built field set, so that the next change must copy it first. */
        private boolean built;

        private Builder() {
        }

        private Map<String, List<String>> fields() {
            if (built) {
                fields = new LinkedHashMap<>(fields);
                built = false;
            }
            return fields;
        }

        /** Adds a field line, keeping any existing lines of that name. */
        public Builder add(String name, String value) {
            Objects.requireNonNull(value, "value");
            String key = lower(Objects.requireNonNull(name, "name"));
            Map<String, List<String>> map = fields();
            List<String> lines = map.get(key);
            if (lines == null) {
                map.put(key, List.of(value));
            } else {
                List<String> more = new ArrayList<>(lines.size() + 1);
                more.addAll(lines);
                more.add(value);
                map.put(key, Collections.unmodifiableList(more));
            }
            return this;
        }

        /** Replaces every line of the field with one line holding {@code value}, which moves the field last. */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        /** Removes every line of the field. */
        public Builder remove(String name) {
            fields().remove(lower(name));
            return this;
        }

        /** Returns the immutable field set. */
        public HttpFields build() {
            if (fields.isEmpty()) {
                return EMPTY;
            }
            built = true;
            return new HttpFields(Collections.unmodifiableMap(fields));
        }
    }
}
