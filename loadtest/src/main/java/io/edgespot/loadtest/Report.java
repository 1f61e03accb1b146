package io.edgespot.loadtest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one run: latency percentiles, throughput, status classes, errors and scenario-specific fields,
 * printable as a table or as JSON.
 *
 * <p>Latencies are in milliseconds. The JSON keys are {@code scenario}, {@code url}, {@code durationSeconds},
 * {@code requests}, {@code throughput}, {@code p50}, {@code p90}, {@code p99}, {@code p999}, {@code max},
 * {@code mean}, {@code status}, {@code errors}, {@code bytesRead}, followed by the scenario's own fields.
 */
public final class Report {

    private final Map<String, Object> fields;

    private Report(Map<String, Object> fields) {
        this.fields = fields;
    }

    /**
     * Builds the common part of a report from a finished run.
     *
     * @param scenario the scenario name
     * @param url the target URL
     * @param seconds the measured duration in seconds
     * @param stats the run's statistics, sampled for the last time
     * @return a builder to which the scenario adds its own fields
     */
    public static Builder builder(String scenario, String url, double seconds, RunStats stats) {
        return new Builder(scenario, url, seconds, stats);
    }

    /** @return the report as one line of JSON */
    public String toJson() {
        return JsonWriter.write(fields);
    }

    /** @return the report as a two-column table for people */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            row(e.getKey(), e.getValue(), sb);
        }
        return sb.toString();
    }

    private static void row(String key, Object value, StringBuilder sb) {
        if (value instanceof Map && !((Map<?, ?>) value).isEmpty()
            && ((Map<?, ?>) value).values().stream().anyMatch(v -> v instanceof Map)) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                row(key + "." + e.getKey(), e.getValue(), sb);
            }
            return;
        }
        String text;
        if (value instanceof Map) {
            StringBuilder inline = new StringBuilder();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                inline.append(inline.length() == 0 ? "" : "  ")
                    .append(e.getKey()).append(' ').append(cell(e.getValue()));
            }
            text = inline.toString();
        } else {
            text = cell(value);
        }
        sb.append(String.format(Locale.ROOT, "%-24s %s%n", key, text));
    }

    private static String cell(Object v) {
        if (v instanceof Double) {
            return String.format(Locale.ROOT, "%.3f", (Double) v);
        }
        return v instanceof CharSequence || v instanceof Number || v instanceof Boolean || v == null
            ? String.valueOf(v) : JsonWriter.write(v);
    }

    /**
     * Returns a field by its JSON key, e.g. {@code p99}, {@code status} or a scenario field.
     *
     * @param key the key
     * @return the value (a {@link Map} for nested objects), or {@code null}
     */
    public Object get(String key) {
        return fields.get(key);
    }

    /**
     * Returns a numeric field, following dots into nested objects ({@code status.2xx}, {@code echo.p99}).
     *
     * @param path the key path
     * @return the value as a double
     * @throws IllegalArgumentException if there is no such numeric field
     */
    public double number(String path) {
        Object v = fields;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("no field " + path);
            }
            v = ((Map<?, ?>) v).get(part);
        }
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("no numeric field " + path + " (got " + v + ")");
        }
        return ((Number) v).doubleValue();
    }

    /** Collects the fields of a {@link Report} in output order. */
    public static final class Builder {

        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder(String scenario, String url, double seconds, RunStats stats) {
            long responses = stats.responses();
            LatencySummary latency = LatencySummary.of(stats.latency().total());
            fields.put("scenario", scenario);
            fields.put("url", url);
            fields.put("durationSeconds", round(seconds));
            fields.put("requests", responses + stats.timeoutErrors() + stats.otherErrors());
            fields.put("throughput", seconds > 0 ? round(responses / seconds) : 0.0);
            fields.put("p50", latency.p50());
            fields.put("p90", latency.p90());
            fields.put("p99", latency.p99());
            fields.put("p999", latency.p999());
            fields.put("max", latency.max());
            fields.put("mean", latency.mean());
            Map<String, Object> status = new LinkedHashMap<>();
            for (int c = 2; c <= 5; c++) {
                status.put(c + "xx", stats.statusCount(c));
            }
            fields.put("status", status);
            Map<String, Object> errors = new LinkedHashMap<>();
            errors.put("connect", stats.connectErrors());
            errors.put("timeout", stats.timeoutErrors());
            errors.put("other", stats.otherErrors());
            fields.put("errors", errors);
            fields.put("bytesRead", stats.bytesRead());
        }

        /**
         * Replaces the request count, for scenarios where a request is not an HTTP exchange.
         *
         * @param n the number of attempts
         * @return this builder
         */
        public Builder requests(long n) {
            fields.put("requests", n);
            return this;
        }

        /**
         * Replaces the throughput, for scenarios that count something other than responses.
         *
         * @param perSecond the rate
         * @return this builder
         */
        public Builder throughput(double perSecond) {
            fields.put("throughput", round(perSecond));
            return this;
        }

        /**
         * Adds a scenario-specific field.
         *
         * @param key the JSON key
         * @param value a value {@link JsonWriter} accepts; a {@link LatencySummary} is stored as its map
         * @return this builder
         */
        public Builder put(String key, Object value) {
            fields.put(key, value instanceof LatencySummary ? ((LatencySummary) value).toMap() : value);
            return this;
        }

        /** @return the report */
        public Report build() {
            return new Report(new LinkedHashMap<>(fields));
        }

        private static double round(double v) {
            return Math.round(v * 1000.0) / 1000.0;
        }
    }
}
