package io.edgespot.crypto.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;

/**
 * An {@link SniHandler} that refuses unknown names the way TLS says to: with a fatal {@code unrecognized_name}
 * alert (RFC 6066, section 3), then a close. Plain {@code SniHandler} only fires an exception and leaves the
 * connection open until someone closes it.
 */
final class TenantSniHandler extends SniHandler {

    /** Fatal alert, unrecognized_name(112), in a TLS 1.2-versioned record as TLS 1.3 servers also send it. */
    private static final int ALERT = 21;
    private static final int FATAL = 2;
    private static final int UNRECOGNIZED_NAME = 112;
    /** Netty's own default: far above real ClientHellos (a few KiB with post-quantum key shares), still bounded. */
    private static final int MAX_CLIENT_HELLO_BYTES = 64 * 1024;

    private final Function<String, Optional<SslContext>> selector;
    private final Runnable onUnknown;
    /** Once refused, later decode calls (more bytes, channel closing) must not count or answer again. */
    private boolean refused;

    TenantSniHandler(AsyncMapping<String, SslContext> mapping, Function<String, Optional<SslContext>> selector,
            Runnable onUnknown, long handshakeTimeoutMillis) {
        super(mapping, MAX_CLIENT_HELLO_BYTES, handshakeTimeoutMillis);
        this.selector = selector;
        this.onUnknown = onUnknown;
    }

    static SSLHandshakeException unknownNameException() {
        return new SSLHandshakeException("no certificate is configured for the requested server name");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        Optional<SslContext> context = selector.apply(hostname);
        if (context.isPresent()) {
            return ctx.executor().newSucceededFuture(context.get());
        }
        refused = true;
        onUnknown.run();
        byte[] alert = {ALERT, 3, 3, 0, 2, FATAL, (byte) UNRECOGNIZED_NAME};
        ctx.writeAndFlush(Unpooled.wrappedBuffer(alert)).addListener(ChannelFutureListener.CLOSE);
        return ctx.executor().newFailedFuture(unknownNameException());
    }
}
