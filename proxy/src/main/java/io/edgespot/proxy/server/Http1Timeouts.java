package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a downstream HTTP/1.1 connection between requests: keep-alive idle time while nothing
 * arrives, then the request-head timeout (the slowloris bound) from the first byte of a request to its complete
 * head. Idle expiry closes quietly; head expiry answers 408 and closes.
 *
 * <p>Sits before the decoder so that it sees raw bytes; {@link RequestGuard} tells it when a head is complete and
 * the exchange handler tells it when the connection waits for the next request.
 */
final class Http1Timeouts extends ChannelInboundHandlerAdapter {

    private enum State { BUSY, IDLE, HEAD }

    private final long idleNanos;
    private final long headNanos;
    private final Runnable onHeadTimeout;
    private ChannelHandlerContext ctx;
    private State state = State.BUSY;
    private ScheduledFuture<?> timer;

    Http1Timeouts(Duration idle, Duration head, Runnable onHeadTimeout) {
        this.idleNanos = idle.toNanos();
        this.headNanos = head.toNanos();
        this.onHeadTimeout = onHeadTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            arm(State.HEAD, headNanos);
        }
        ctx.fireChannelRead(msg);
    }

    /** The connection now waits for its next request. */
    void awaitRequest() {
        if (state == State.BUSY) {
            arm(State.IDLE, idleNanos);
        }
    }

    /** A complete request head arrived; the exchange's own timeouts take over. */
    void headReceived() {
        cancel();
        state = State.BUSY;
    }

    private void arm(State next, long nanos) {
        cancel();
        state = next;
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (state == State.HEAD) {
            onHeadTimeout.run();
            ErrorResponses.send(ctx.channel(), HttpResponseStatus.REQUEST_TIMEOUT, "request head not received in time",
                    null, true);
        } else if (state == State.IDLE) {
            ctx.close();
        }
        state = State.BUSY;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
