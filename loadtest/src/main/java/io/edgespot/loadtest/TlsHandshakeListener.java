package io.edgespot.loadtest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.Consumer;

/**
 * Passes the outcome of the TLS handshake to a callback, so connect failures and handshake latency are counted
 * in one place whatever the protocol above TLS.
 */
public final class TlsHandshakeListener extends ChannelInboundHandlerAdapter {

    private final Consumer<Throwable> onDone;

    /**
     * Creates the listener.
     *
     * @param onDone called once on the channel's event loop with {@code null} on success or the failure cause
     */
    public TlsHandshakeListener(Consumer<Throwable> onDone) {
        this.onDone = onDone;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
            onDone.accept(e.isSuccess() ? null : e.cause());
            ctx.fireUserEventTriggered(evt);
            ctx.pipeline().remove(this);
            if (!e.isSuccess()) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
