package io.edgespot.proxy.metrics;

import io.edgespot.proxy.metrics.EdgeMetrics.RequestTotals;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request and 5xx rates per tenant over a sliding window, computed from samples of
 * {@link EdgeMetrics#requestTotalsByTenant()} taken every few seconds by the caller.
 *
 * <p>Thread-safe: sampling and reading may happen on different threads.
 */
public final class RecentRates {

    private final EdgeMetrics metrics;
    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /**
     * @param metrics the counters to sample
     * @param window  how far back the rates look, e.g. one minute
     */
    public RecentRates(EdgeMetrics metrics, Duration window) {
        this.metrics = metrics;
        this.windowNanos = window.toNanos();
    }

    /** Takes a sample now. */
    public void sample() {
        sample(System.nanoTime());
    }

    synchronized void sample(long nanoTime) {
        samples.addLast(new Sample(nanoTime, metrics.requestTotalsByTenant()));
        // Keep the newest sample at or before the window start as the baseline, drop older ones.
        while (samples.size() > 2 && nanoTime - secondOldest().nanoTime() >= windowNanos) {
            samples.removeFirst();
        }
    }

    /**
     * Returns the rates per tenant between the oldest kept sample and the newest; empty until two
     * samples were taken.
     */
    public synchronized Map<String, Rate> rates() {
        Map<String, Rate> rates = new TreeMap<>();
        if (samples.size() < 2) {
            return rates;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double seconds = (last.nanoTime() - first.nanoTime()) / 1e9;
        last.totals().forEach((tenant, now) -> {
            RequestTotals then = first.totals().getOrDefault(tenant, new RequestTotals(0, 0));
            long requests = Math.max(0, now.requests() - then.requests());
            long errors = Math.max(0, now.serverErrors() - then.serverErrors());
            rates.put(tenant, new Rate(requests / seconds, requests == 0 ? 0 : (double) errors / requests));
        });
        return rates;
    }

    private Sample secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    /**
     * One tenant's recent traffic.
     *
     * @param requestsPerSecond answered requests per second over the window
     * @param serverErrorRatio  share of those answered with a 5xx status, 0 to 1
     */
    public record Rate(double requestsPerSecond, double serverErrorRatio) {
    }

    private record Sample(long nanoTime, Map<String, RequestTotals> totals) {
    }
}
