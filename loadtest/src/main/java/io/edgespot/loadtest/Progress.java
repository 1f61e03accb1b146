package io.edgespot.loadtest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The once-a-second progress line on stderr: elapsed time, rate over the last second, p99 so far and errors.
 */
public final class Progress {

    private final PrintStream err;

    /**
     * Creates a progress printer.
     *
     * @param err where to print, or {@code null} to print nothing ({@code --quiet})
     */
    public Progress(PrintStream err) {
        this.err = err;
    }

    /**
     * Prints one progress line.
     *
     * @param elapsedSeconds seconds since the run started, warm-up included
     * @param warmup whether the run is still warming up
     * @param perSecond completions per second over the last interval
     * @param p99Millis the cumulative 99th percentile latency
     * @param errors errors so far
     */
    public void line(double elapsedSeconds, boolean warmup, double perSecond, double p99Millis, long errors) {
        if (err == null) {
            return;
        }
        err.println(String.format(Locale.ROOT, "[%6.1fs]%s rps %9.1f  p99 %9.3f ms  errors %d",
            elapsedSeconds, warmup ? " warmup" : "", perSecond, p99Millis, errors));
    }
}
