package io.edgespot.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection handler with at most one pending timer on the connection's event loop, cancelled when the
 * connection closes or the handler leaves the pipeline. Subclasses move a deadline as their state changes and
 * re-arm from {@link #expired()} for whatever is left, so a busy connection schedules nothing per request.
 */
abstract class ConnectionClock extends ChannelInboundHandlerAdapter {

    /** The handler's context, set when it joins the pipeline. */
    protected ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** When the armed timer goes off. */
    private long timerAt;

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

    /** The timer went off; it is no longer armed. */
    protected abstract void expired();

    protected final boolean armed() {
        return timer != null;
    }

    protected final void arm(long delayNanos) {
        timerAt = now() + Math.max(0, delayNanos);
        timer = ctx.executor().schedule(this::fire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /**
     * Makes sure the timer goes off by {@code deadline} ({@link #now()}'s clock). A later deadline leaves it as it
     * is: {@link #expired()} then finds what is still to come and arms for that, so deadlines that follow one
     * another schedule nothing each.
     */
    protected final void armBy(long deadline) {
        if (timer != null && timerAt - deadline <= 0) {
            return;
        }
        cancel();
        arm(deadline - now());
    }

    /** The event loop's clock, in nanoseconds. */
    protected final long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void fire() {
        timer = null;
        expired();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
