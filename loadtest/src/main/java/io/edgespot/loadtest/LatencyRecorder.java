package io.edgespot.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency histogram in microseconds (1 µs to 60 s, 3 significant digits) that many event loops record into
 * while one thread samples it.
 *
 * <p>Recording goes to an HdrHistogram {@link Recorder}, which is safe for concurrent writers. {@link #sample()}
 * moves what was recorded since the last call into a cumulative histogram; only the thread running the run loop
 * calls it, so the cumulative histogram needs no locking.
 */
public final class LatencyRecorder {

    /** The highest trackable value: 60 s in microseconds; longer latencies are clamped to it. */
    public static final long MAX_MICROS = 60_000_000L;

    private final Recorder recorder = new Recorder(1, MAX_MICROS, 3);
    private final Histogram total = new Histogram(1, MAX_MICROS, 3);
    private Histogram interval;

    /**
     * Records a latency.
     *
     * @param nanos the latency in nanoseconds; values outside 1 µs..60 s are clamped
     */
    public void recordNanos(long nanos) {
        long micros = Math.max(1, Math.min(MAX_MICROS, nanos / 1000));
        recorder.recordValue(micros);
    }

    /**
     * Adds the values recorded since the last call to the cumulative histogram.
     *
     * @return the values recorded since the last call; valid until the next call
     */
    public Histogram sample() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval;
    }

    /**
     * Returns the cumulative histogram as of the last {@link #sample()}.
     *
     * @return the histogram, owned by this recorder
     */
    public Histogram total() {
        return total;
    }
}
