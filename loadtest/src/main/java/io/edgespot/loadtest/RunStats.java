package io.edgespot.loadtest;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters and histograms of one run, written by every event loop.
 *
 * <p>Callers record only measured requests (not warm-up ones); this class does not filter.
 */
public final class RunStats {

    private final LatencyRecorder latency = new LatencyRecorder();
    private final LatencyRecorder serviceTime = new LatencyRecorder();
    private final LongAdder[] statusClasses = new LongAdder[6];
    private final LongAdder connectErrors = new LongAdder();
    private final LongAdder timeoutErrors = new LongAdder();
    private final LongAdder otherErrors = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();

    /** Creates empty statistics. */
    public RunStats() {
        for (int i = 0; i < statusClasses.length; i++) {
            statusClasses[i] = new LongAdder();
        }
    }

    /**
     * Records a complete response.
     *
     * @param status the HTTP status code
     * @param latencyNanos latency from the (intended) start, see {@link #latency()}
     * @param serviceNanos latency from when the request was actually written
     */
    public void recordResponse(int status, long latencyNanos, long serviceNanos) {
        statusClasses[Math.max(0, Math.min(5, status / 100))].increment();
        latency.recordNanos(latencyNanos);
        serviceTime.recordNanos(serviceNanos);
    }

    /**
     * Counts a status without a latency, e.g. the refusal of a WebSocket upgrade.
     *
     * @param status the HTTP status code
     */
    public void countStatus(int status) {
        statusClasses[Math.max(0, Math.min(5, status / 100))].increment();
    }

    /**
     * Records a failed request or connection attempt.
     *
     * @param kind what failed
     */
    public void recordError(ErrorKind kind) {
        switch (kind) {
            case CONNECT:
                connectErrors.increment();
                break;
            case TIMEOUT:
                timeoutErrors.increment();
                break;
            default:
                otherErrors.increment();
                break;
        }
    }

    /**
     * Adds bytes read from the network (before TLS decryption).
     *
     * @param n the number of bytes
     */
    public void addBytes(long n) {
        bytesRead.add(n);
    }

    /** @return latency measured from each request's intended start time (its send time in closed loop) */
    public LatencyRecorder latency() {
        return latency;
    }

    /** @return latency measured from when each request was written, without coordinated-omission correction */
    public LatencyRecorder serviceTime() {
        return serviceTime;
    }

    /**
     * Returns the number of responses in a status class.
     *
     * @param hundreds 1 for 1xx up to 5 for 5xx
     * @return the count
     */
    public long statusCount(int hundreds) {
        return statusClasses[hundreds].sum();
    }

    /** @return all responses, whatever their status */
    public long responses() {
        long n = 0;
        for (LongAdder a : statusClasses) {
            n += a.sum();
        }
        return n;
    }

    /** @return connect and TLS handshake failures */
    public long connectErrors() {
        return connectErrors.sum();
    }

    /** @return request timeouts */
    public long timeoutErrors() {
        return timeoutErrors.sum();
    }

    /** @return resets, premature closes and write failures */
    public long otherErrors() {
        return otherErrors.sum();
    }

    /** @return all errors */
    public long errors() {
        return connectErrors() + timeoutErrors() + otherErrors();
    }

    /** @return bytes read from the network */
    public long bytesRead() {
        return bytesRead.sum();
    }
}
