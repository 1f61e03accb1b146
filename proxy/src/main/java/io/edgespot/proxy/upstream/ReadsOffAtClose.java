package io.edgespot.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * Stops all reading once a connection on io_uring is closing, so that the close really closes the socket. It sits
 * first in the pipeline of every io_uring connection, the clients' and the origins', where every read and close of
 * the handlers after it passes.
 *
 * <p>Netty 4.2.18's io_uring channel closes late when it has a receive in flight: it cancels the receive and waits
 * for the cancellation. If a read is wanted meanwhile, it arms a poll for input on the closing channel, and that
 * poll holds the socket: the descriptor is gone, but no FIN is sent until the peer sends another byte or gives up.
 * A read is wanted when auto-read is on (a receive stays in flight after a read that filled its buffer), and when a
 * handler asks for one, as the TLS handler does while auto-read is off. Seen on client connections: a client that
 * sent a 100 KiB head never saw the close after its 431, and an HTTP/2 reset flood cut by GOAWAY kept its
 * connection ({@code HostileClientIT.hugeHeadersGet431}, {@code http2RapidResetGetsGoAwayAndOthersAreServed}).
 * Origin connections get it too: they read with auto-read on over HTTP/2, in WebSocket tunnels and in health
 * checks. Writes do not pass through here.
 */
public final class ReadsOffAtClose extends ChannelOutboundHandlerAdapter {

    private boolean closing;

    private ReadsOffAtClose() {
    }

    /** Puts one first in {@code ch}'s pipeline if {@code ch} is an io_uring socket; the others need none. */
    public static void addFirstIfIoUring(Channel ch) {
        if (ch instanceof IoUringSocketChannel) {
            ch.pipeline().addFirst("reads-off-at-close", new ReadsOffAtClose());
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!closing) {
            ctx.read();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        closing = true;
        ctx.channel().config().setAutoRead(false); // clears the wanted read and cancels the receive in flight
        ctx.close(promise);
    }
}
