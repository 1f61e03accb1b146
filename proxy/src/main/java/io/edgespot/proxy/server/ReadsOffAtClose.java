package io.edgespot.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Stops all reading once a client connection on io_uring is closing, so that the close really closes the socket.
 * It sits first in the pipeline, where every read and close of the handlers after it passes.
 *
 * <p>Netty 4.2.18's io_uring channel closes late when it has a receive in flight: it cancels the receive and waits
 * for the cancellation. If a read is wanted meanwhile, it arms a poll for input on the closing channel, and that poll
 * holds the socket: the descriptor is gone, but no FIN is sent until the client sends another byte or gives up.
 * A read is wanted when auto-read is on (a receive stays in flight after a read that filled its buffer), and when a
 * handler asks for one, as the TLS handler does while auto-read is off. Seen as a client that sent a 100 KiB head and
 * never saw the close after its 431, and as an HTTP/2 reset flood cut by GOAWAY whose connection stayed open
 * ({@code HostileClientIT.hugeHeadersGet431}, {@code http2RapidResetGetsGoAwayAndOthersAreServed}). Writes do not
 * pass through here.
 */
final class ReadsOffAtClose extends ChannelOutboundHandlerAdapter {

    private boolean closing;

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
