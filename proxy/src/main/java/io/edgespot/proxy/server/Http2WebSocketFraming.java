package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Makes an HTTP/2 stream carrying a WebSocket (RFC 8441) look like a byte stream to {@link WebSocketTunnel}:
 * the payload of each DATA frame goes on as it is, bytes written become DATA frames (no copy; the HTTP/2 encoder
 * splits them to the peer's frame size and holds them to its flow-control window), and a close ends the stream
 * with END_STREAM before the channel closes. The client's END_STREAM or RST_STREAM closes the channel, which
 * the tunnel hears as the client going away.
 *
 * <p>It is the stream's first handler from then on (the message codec is gone), so it ends stream errors where
 * they arrive, as the codec did ({@link Http2StreamErrors}).
 *
 * <p>Back-pressure is the stream's: the tunnel stops reading a stream whose peer is not writable, and a stream
 * that is not read returns no flow-control window to the client.
 */
final class Http2WebSocketFraming extends ChannelDuplexHandler {

    private boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame f) {
            relay(ctx, f.content(), f.isEndStream());
        } else if (msg instanceof HttpContent c) { // converted before the tunnel took the stream over
            relay(ctx, c.content(), c instanceof LastHttpContent);
        } else {
            ReferenceCountUtil.release(msg); // trailers: nothing a WebSocket carries
        }
    }

    private static void relay(ChannelHandlerContext ctx, ByteBuf payload, boolean endStream) {
        if (payload.isReadable()) {
            ctx.fireChannelRead(payload);
        } else {
            payload.release();
        }
        if (endStream) {
            ctx.channel().close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!Http2StreamErrors.absorbed(cause)) {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            ctx.channel().close(); // the stream is gone; frames still queued for reading are of no use
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg instanceof ByteBuf b ? new DefaultHttp2DataFrame(b) : msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (ended || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        ended = true; // END_STREAM after what was written, so the stream closes without a reset
        ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(f -> ctx.close(promise));
    }
}
