package io.edgespot.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * The idle clock of a downstream HTTP/2 connection. It runs only while no stream is open: from the connection's
 * start, then from the close of its last open stream. A stream that waits for a slow origin, or streams a response
 * with long pauses, keeps the connection busy; its own bounds are the route's timeouts. This is what the idle
 * timeout means over HTTP/1.1 too ({@link Http1Timeouts}), and what an Envoy or nginx user expects of it.
 *
 * <p>On expiry it passes {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} on to {@link Http2Streams}, which closes
 * the connection (GOAWAY first). Sits after the frame codec, whose stream events it follows.
 *
 * <p>Nothing is scheduled per stream or per write: at most one timer is pending per connection, and when it fires
 * early, or while streams are open, it re-arms for what is left or waits for the last stream to close.
 */
final class Http2IdleTimeout extends ConnectionClock {

    private final long idleNanos;
    private final Http2Connection connection;
    /** When the connection last became idle; meaningful while no stream is open. */
    private long idleSince;

    Http2IdleTimeout(Duration idle, Http2Connection connection) {
        this.idleNanos = idle.toNanos();
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                // the closed stream is no longer counted here
                if (connection.numActiveStreams() == 0) {
                    becameIdle();
                }
            }
        });
        becameIdle();
    }

    private void becameIdle() {
        idleSince = now();
        if (!armed() && ctx.channel().isActive()) {
            arm(idleNanos);
        }
    }

    @Override
    protected void expired() {
        if (connection.numActiveStreams() > 0 || !ctx.channel().isActive()) {
            return; // the last stream's close arms the clock again
        }
        long left = idleSince + idleNanos - now();
        if (left > 0) {
            arm(left);
        } else {
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }
}
