package io.edgespot.loadtest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock and the budget of one run: when measuring starts, when it ends, how many measured requests may
 * still be issued and how many are outstanding.
 *
 * <p>A run is done when it has been stopped (or its request budget is spent) and no measured request is
 * outstanding. Outstanding is raised before the budget is taken, so a completion on another event loop can never
 * see an empty budget with zero outstanding while an acquisition is half done.
 */
public final class RunControl {

    private final long startNanos;
    private final long measureStartNanos;
    private final long deadlineNanos;
    private final AtomicLong budget;
    private final AtomicLong outstanding = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopped;

    /**
     * Starts the clock now.
     *
     * @param args the warm-up, duration and request bound are taken from here
     */
    public RunControl(Args args) {
        this(args, args.requests());
    }

    /**
     * Starts the clock now with an explicit budget.
     *
     * @param args the warm-up and duration are taken from here
     * @param budget how many measured units (requests, WebSockets) may be acquired
     */
    public RunControl(Args args, long budget) {
        this.startNanos = System.nanoTime();
        this.measureStartNanos = startNanos + args.warmup().toNanos();
        this.deadlineNanos = measureStartNanos + args.duration().toNanos();
        this.budget = new AtomicLong(budget);
    }

    /**
     * Takes one measured request from the budget unless the run was stopped.
     *
     * @return true if the caller may issue the request and must later call {@link #release()}
     */
    public boolean tryAcquire() {
        return acquire(true);
    }

    /**
     * Takes one measured request from the budget even if the run was stopped; open-loop generators use it for
     * intended start times that fall before the deadline but are generated a little after it.
     *
     * @return true if the caller may issue the request and must later call {@link #release()}
     */
    public boolean tryAcquireScheduled() {
        return acquire(false);
    }

    private boolean acquire(boolean honourStop) {
        outstanding.incrementAndGet();
        while (true) {
            long left = budget.get();
            if (left <= 0 || (honourStop && stopped)) {
                release();
                return false;
            }
            if (budget.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    /** Marks one measured request as finished, whether it succeeded or not. */
    public void release() {
        if (outstanding.decrementAndGet() == 0 && (stopped || budget.get() <= 0)) {
            done.countDown();
        }
    }

    /** Stops issuing new measured requests; the run is done once the outstanding ones finish. */
    public void stop() {
        stopped = true;
        if (outstanding.get() == 0) {
            done.countDown();
        }
    }

    /**
     * Waits until the run is done.
     *
     * @param nanos how long to wait at most
     * @return true if the run is done
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitDone(long nanos) throws InterruptedException {
        return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** @return whether {@link #stop()} was called */
    public boolean stopped() {
        return stopped;
    }

    /** @return whether the budget of {@code --requests} is spent */
    public boolean budgetSpent() {
        return budget.get() <= 0;
    }

    /** @return measured requests issued but not finished */
    public long outstanding() {
        return outstanding.get();
    }

    /**
     * Tells whether a request started at the given time belongs to the measured part of the run.
     *
     * @param nanos a {@link System#nanoTime()} value
     * @return false during warm-up
     */
    public boolean measured(long nanos) {
        return nanos - measureStartNanos >= 0;
    }

    /** @return the {@link System#nanoTime()} at which the run started, warm-up included */
    public long startNanos() {
        return startNanos;
    }

    /** @return the {@link System#nanoTime()} at which measuring starts */
    public long measureStartNanos() {
        return measureStartNanos;
    }

    /** @return the {@link System#nanoTime()} at which measuring ends unless the request budget ends it first */
    public long deadlineNanos() {
        return deadlineNanos;
    }
}
