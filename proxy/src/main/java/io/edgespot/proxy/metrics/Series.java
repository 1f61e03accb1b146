package io.edgespot.proxy.metrics;

import io.prometheus.metrics.core.datapoints.DataPoint;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data points of one labelled metric, resolved once per label combination and then found again
 * without allocating: one nested {@link ConcurrentHashMap} level per label, keyed by the label value.
 *
 * <p>Each instance is used with exactly one arity, the number of label names of its metric. A
 * {@code null} label value is recorded as {@code "-"}.
 *
 * @param <D> the data point type
 */
final class Series<D extends DataPoint> {

    private static final String NONE = "-";

    private final StatefulMetric<D, ?> metric;
    private final ConcurrentHashMap<String, Object> points = new ConcurrentHashMap<>();

    Series(StatefulMetric<D, ?> metric) {
        this.metric = metric;
    }

    /** The data point of a one-label metric. */
    @SuppressWarnings("unchecked")
    D get(String a) {
        String va = orNone(a);
        Object p = points.get(va);
        return (D) (p != null ? p : points.computeIfAbsent(va, k -> metric.labelValues(k)));
    }

    /** The data point of a two-label metric. */
    @SuppressWarnings("unchecked")
    D get(String a, String b) {
        String va = orNone(a);
        ConcurrentHashMap<String, Object> level = level(points, va);
        String vb = orNone(b);
        Object p = level.get(vb);
        return (D) (p != null ? p : level.computeIfAbsent(vb, k -> metric.labelValues(va, k)));
    }

    /** The data point of a three-label metric. */
    @SuppressWarnings("unchecked")
    D get(String a, String b, String c) {
        String va = orNone(a);
        String vb = orNone(b);
        ConcurrentHashMap<String, Object> level = level(level(points, va), vb);
        String vc = orNone(c);
        Object p = level.get(vc);
        return (D) (p != null ? p : level.computeIfAbsent(vc, k -> metric.labelValues(va, vb, k)));
    }

    /** Drops every series whose first label value is {@code a}. */
    void removeFirst(String a) {
        points.remove(a);
        metric.removeIf(values -> values.get(0).equals(a));
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, Object> level(ConcurrentHashMap<String, Object> map, String key) {
        Object l = map.get(key);
        return (ConcurrentHashMap<String, Object>) (l != null ? l : map.computeIfAbsent(key,
                k -> new ConcurrentHashMap<String, Object>()));
    }

    private static String orNone(String value) {
        return value != null ? value : NONE;
    }
}
