package io.edgespot.proxy.upstream;

import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.edgespot.proxy.config.EdgeConfig.Outlier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Health and load of one upstream endpoint, shared by every event loop.
 *
 * <p>Two independent signals decide whether an endpoint takes traffic: the active health check
 * ({@link #activeHealthy()}) and passive outlier ejection ({@link #ejectedUntil}). State changes are
 * plain atomics: a lost race at worst delays an ejection by one response.
 */
public final class EndpointState {

    private final Endpoint endpoint;
    private final Outlier outlier;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutive5xx = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    private final AtomicLong ejectedUntil = new AtomicLong();
    private volatile boolean activeHealthy = true;

    EndpointState(Endpoint endpoint, Outlier outlier) {
        this.endpoint = endpoint;
        this.outlier = outlier;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Requests in flight to this endpoint. */
    public int activeRequests() {
        return active.get();
    }

    void requestStarted() {
        active.incrementAndGet();
    }

    void requestFinished() {
        active.decrementAndGet();
    }

    /** Whether the active health check currently passes (true when there is no check). */
    public boolean activeHealthy() {
        return activeHealthy;
    }

    void setActiveHealthy(boolean healthy) {
        this.activeHealthy = healthy;
    }

    /** Whether the endpoint takes traffic at {@code nowNanos}. */
    public boolean available(long nowNanos) {
        return activeHealthy && nowNanos - ejectedUntil.get() >= 0;
    }

    /** Whether passive ejection currently holds the endpoint out. */
    public boolean ejected(long nowNanos) {
        return nowNanos - ejectedUntil.get() < 0;
    }

    /** Records an upstream response status; consecutive 5xx eject the endpoint. */
    void onResponse(int status, long nowNanos) {
        consecutiveFailures.set(0);
        if (status >= 500) {
            if (outlier.consecutive5xx() > 0 && consecutive5xx.incrementAndGet() >= outlier.consecutive5xx()) {
                eject(nowNanos);
            }
        } else {
            consecutive5xx.set(0);
        }
    }

    /** Records a connect failure or reset; consecutive failures eject the endpoint. */
    void onFailure(long nowNanos) {
        if (outlier.consecutiveFailures() > 0
                && consecutiveFailures.incrementAndGet() >= outlier.consecutiveFailures()) {
            eject(nowNanos);
        }
    }

    private void eject(long nowNanos) {
        consecutive5xx.set(0);
        consecutiveFailures.set(0);
        int n = Math.min(ejections.getAndIncrement(), 20);
        long base = outlier.baseEjection().toNanos();
        long time = Math.min(base << n, outlier.maxEjection().toNanos());
        if (time <= 0) {
            time = outlier.maxEjection().toNanos();
        }
        ejectedUntil.set(nowNanos + time);
    }

    /** Resets the back-off after a healthy period, so a once-flaky endpoint starts again at the base time. */
    void onActiveCheckPassed() {
        if (ejections.get() > 0 && !ejected(System.nanoTime())) {
            ejections.set(0);
        }
    }
}
