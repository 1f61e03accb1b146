package io.edgespot.loadtest;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The calling thread's side of a run: waits for it to finish, stops it at the deadline, samples the histograms
 * and prints progress once a second.
 *
 * <p>All histogram sampling happens on this one thread, which is what {@link LatencyRecorder} requires.
 */
public final class RunLoop {

    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private RunLoop() {
    }

    /**
     * Runs until the run is done or the deadline plus the drain time has passed.
     *
     * @param control the run's clock and budget
     * @param stats the run's statistics
     * @param progress where the progress line goes
     * @param drainNanos how long after the deadline outstanding requests may still finish
     * @return the {@link System#nanoTime()} at which the run ended
     * @throws InterruptedException if interrupted
     */
    public static long run(RunControl control, RunStats stats, Progress progress, long drainNanos)
        throws InterruptedException {
        long hardStop = control.deadlineNanos() + drainNanos;
        long nextTick = control.startNanos() + TICK_NANOS;
        long lastTick = control.startNanos();
        while (true) {
            long now = System.nanoTime();
            if (!control.stopped() && now - control.deadlineNanos() >= 0) {
                control.stop();
            }
            if (now - hardStop >= 0) {
                break;
            }
            long until = control.stopped() ? hardStop : Math.min(hardStop, control.deadlineNanos());
            if (control.awaitDone(Math.min(nextTick, until) - now)) {
                break;
            }
            now = System.nanoTime();
            if (now - nextTick >= 0) {
                Histogram interval = stats.latency().sample();
                stats.serviceTime().sample();
                double seconds = (now - lastTick) / 1e9;
                progress.line((now - control.startNanos()) / 1e9, !control.measured(now),
                    interval.getTotalCount() / seconds,
                    stats.latency().total().getValueAtPercentile(99) / 1000.0, stats.errors());
                lastTick = now;
                nextTick += TICK_NANOS;
            }
        }
        long end = System.nanoTime();
        stats.latency().sample();
        stats.serviceTime().sample();
        return end;
    }
}
