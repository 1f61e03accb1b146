package io.edgespot.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The percentiles, maximum and mean of one latency histogram, in milliseconds.
 */
public final class LatencySummary {

    private final long count;
    private final double p50;
    private final double p90;
    private final double p99;
    private final double p999;
    private final double max;
    private final double mean;

    private LatencySummary(long count, double p50, double p90, double p99, double p999, double max, double mean) {
        this.count = count;
        this.p50 = p50;
        this.p90 = p90;
        this.p99 = p99;
        this.p999 = p999;
        this.max = max;
        this.mean = mean;
    }

    /**
     * Summarises a histogram of microsecond values.
     *
     * @param h the histogram; an empty one gives all zeros
     * @return the summary in milliseconds
     */
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(),
            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
            ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), ms(h.getMean()));
    }

    private static double ms(double micros) {
        return Math.round(micros) / 1000.0;
    }

    /**
     * Returns the summary as an ordered map for JSON and table output.
     *
     * @return keys {@code count}, {@code p50}, {@code p90}, {@code p99}, {@code p999}, {@code max}, {@code mean}
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("p50", p50);
        m.put("p90", p90);
        m.put("p99", p99);
        m.put("p999", p999);
        m.put("max", max);
        m.put("mean", mean);
        return m;
    }

    /** @return the number of recorded values */
    public long count() {
        return count;
    }

    /** @return the median in milliseconds */
    public double p50() {
        return p50;
    }

    /** @return the 90th percentile in milliseconds */
    public double p90() {
        return p90;
    }

    /** @return the 99th percentile in milliseconds */
    public double p99() {
        return p99;
    }

    /** @return the 99.9th percentile in milliseconds */
    public double p999() {
        return p999;
    }

    /** @return the maximum in milliseconds */
    public double max() {
        return max;
    }

    /** @return the mean in milliseconds */
    public double mean() {
        return mean;
    }
}
