package io.edgespot.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import java.net.SocketAddress;

/**
 * Lets a decoder carry its connection's encoder in the same pipeline slot: every outbound operation but
 * {@code write} passes through, and the decoder's {@code write} hands messages to the encoder it holds, with its own
 * context. Netty's {@code CombinedChannelDuplexHandler} does the same through a wrapping context per side, which
 * costs an extra hop and wrapper calls on every read and every write.
 */
public interface OutboundPassThrough extends ChannelOutboundHandler {

    @Override
    default void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    default void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                         ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    default void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    default void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    default void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    default void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    default void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
