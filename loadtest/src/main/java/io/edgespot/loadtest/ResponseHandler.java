package io.edgespot.loadtest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Feeds the response of the current {@link Exchange} to it without aggregating the body: the status when the
 * head arrives, completion at the last content, failure if the channel closes first.
 *
 * <p>One instance per HTTP/1.1 connection (one exchange at a time, no pipelining) or per HTTP/2 stream.
 */
final class ResponseHandler extends ChannelInboundHandlerAdapter {

    private Exchange current;
    private boolean keepAlive = true;

    void expect(Exchange exchange) {
        current = exchange;
        keepAlive = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (current == null) {
                // The rest of a response whose exchange already timed out; the channel is closing.
                return;
            }
            if (msg instanceof HttpResponse) {
                HttpResponse response = (HttpResponse) msg;
                keepAlive = HttpUtil.isKeepAlive(response);
                current.head(response);
            }
            if (msg instanceof LastHttpContent && current != null) {
                Exchange done = current;
                current = null;
                done.complete(keepAlive);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            Exchange failed = current;
            current = null;
            failed.fail(ErrorKind.OTHER);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A decode error or a reset: the exchange fails when the channel goes inactive.
        ctx.close();
    }
}
