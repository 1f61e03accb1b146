package io.edgespot.proxy.server;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/**
 * The two clocks of a downstream HTTP/1.1 connection between requests: keep-alive idle time while nothing
 * arrives, then the request-head timeout (the slowloris bound) from the first byte of a request to its complete
 * head. Idle expiry closes quietly; head expiry answers 408 and closes.
 *
 * <p>It reads no messages (Netty skips it on the read path): {@link StrictRequestDecoder} reports bytes of a head
 * that is not complete after a read through {@link #headStarted()}, {@link RequestGuard} tells it when a head is
 * complete, and the exchange handler when the connection waits for the next request. A head that arrives whole in
 * one read moves the connection straight from idle to busy. Bytes of the next head can also come while an exchange
 * still runs (with the end of its request, or pipelined); once the exchange is over the head clock runs from the
 * first of them, not the idle clock from the end of the exchange.
 *
 * <p>State changes only move a deadline: at most one timer is pending per connection, and when it fires early it
 * re-arms for what is left, so a busy keep-alive connection schedules nothing per request.
 */
final class Http1Timeouts extends ConnectionClock {

    private enum State { BUSY, IDLE, HEAD }

    private final long idleNanos;
    private final long headNanos;
    private final Runnable onHeadTimeout;
    private State state = State.BUSY;
    private long deadline;
    /** Bytes of a head that is not complete yet have arrived, the first at {@link #headStartNanos}. */
    private boolean headPending;
    private long headStartNanos;

    Http1Timeouts(Duration idle, Duration head, Runnable onHeadTimeout) {
        this.idleNanos = idle.toNanos();
        this.headNanos = head.toNanos();
        this.onHeadTimeout = onHeadTimeout;
    }

    /** The connection now waits for its next request, part of whose head may already be here. */
    void awaitRequest() {
        if (state == State.BUSY) {
            if (headPending) {
                enter(State.HEAD, headStartNanos + headNanos);
            } else {
                enter(State.IDLE, now() + idleNanos);
            }
        }
    }

    /** Bytes of a request head that is not complete yet arrived; the head clock counts from the first of them. */
    void headStarted() {
        if (!headPending) {
            headPending = true;
            headStartNanos = now();
        }
        if (state == State.IDLE) {
            enter(State.HEAD, headStartNanos + headNanos);
        }
    }

    /** A complete request head arrived; the exchange's own timeouts take over. */
    void headReceived() {
        state = State.BUSY;
        headPending = false;
    }

    private void enter(State next, long deadlineNanos) {
        state = next;
        deadline = deadlineNanos;
        if (!armed()) {
            // never further ahead than the head timeout, so a switch to HEAD is caught on time
            arm(Math.min(deadline - now(), headNanos));
        }
    }

    @Override
    protected void expired() {
        if (state == State.BUSY || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - now();
        if (left > 0) {
            arm(Math.min(left, headNanos));
            return;
        }
        if (state == State.HEAD) {
            onHeadTimeout.run();
            ErrorResponses.send(ctx.channel(), HttpResponseStatus.REQUEST_TIMEOUT, "request head not received in time",
                    null, true);
        } else {
            ctx.close();
        }
        state = State.BUSY;
    }
}
