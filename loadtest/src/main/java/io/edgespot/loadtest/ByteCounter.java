package io.edgespot.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts bytes as they arrive from the socket, before TLS, so the report shows what crossed the wire.
 *
 * <p>Sharable: it keeps no per-channel state and the counter it adds to is thread-safe.
 */
@ChannelHandler.Sharable
public final class ByteCounter extends ChannelInboundHandlerAdapter {

    private final RunStats stats;
    private final RunControl control;

    /**
     * Creates the counter.
     *
     * @param stats where the bytes are added
     * @param control bytes read during warm-up are not counted
     */
    public ByteCounter(RunStats stats, RunControl control) {
        this.stats = stats;
        this.control = control;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && control.measured(System.nanoTime())) {
            stats.addBytes(((ByteBuf) msg).readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
