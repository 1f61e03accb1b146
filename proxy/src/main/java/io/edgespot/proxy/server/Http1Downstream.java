package io.edgespot.proxy.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a downstream HTTP/1.1 connection: hands the requests the strict decoder and the guard let
 * through to the connection's {@link ProxyHandler}, and is the proxy's {@link Downstream}. The connection keeps
 * auto-read on; the proxy turns it off only while it holds many messages it has not taken yet (a pipelining or
 * uploading client whose upstream is slower).
 */
final class Http1Downstream extends ConnectionClock implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Downstream.class);
    /** The connection's HTTP handlers, which a WebSocket tunnel replaces. */
    private static final String[] HANDLERS = {"timeouts", "http", "guard", "proxy"};
    private static final long LINGER_MILLIS = 2000;

    private final ProxyContext px;
    private final ConnectionInfo info;
    private final ProxyHandler proxy;
    private LoopFlusher flusher;
    /** After a lingering close began: everything the client still sends is dropped. */
    private boolean discarding;

    /**
     * @param info     the connection's listener, client address and TLS tenant
     * @param timeouts the connection's idle and head clocks
     */
    Http1Downstream(ProxyContext px, ConnectionInfo info, Http1Timeouts timeouts) {
        this.px = px;
        this.info = info;
        this.proxy = new ProxyHandler(px, info, false, timeouts, this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        this.flusher = px.flusher(ctx.channel().eventLoop());
        if (ctx.channel().isActive()) {
            proxy.start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        proxy.start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            ReferenceCountUtil.release(msg);
        } else {
            proxy.received(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            proxy.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        proxy.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        proxy.handOver(ctx::fireChannelRead); // a WebSocket tunnel takes over
        super.handlerRemoved(ctx);
    }

    @Override
    protected void expired() {
        long next = proxy.checkDeadlines(now());
        if (next != 0) {
            armBy(next);
        }
    }

    @Override
    public void wakeBy(long deadline) {
        armBy(deadline);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof DrainEvent) {
            if (proxy.idle()) {
                ctx.close();
            }
        } else if (!(evt instanceof SslHandshakeCompletionEvent)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("downstream {} failed: {}", info.listener(), cause.toString());
        ctx.close();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public ChannelFuture write(HttpObject msg) {
        return ctx.write(msg);
    }

    @Override
    public ChannelFuture writeAndFlush(HttpObject msg) {
        return ctx.writeAndFlush(msg);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void flushLater() {
        flusher.flushLater(ctx.channel());
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void reading(boolean on) {
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(on);
        }
    }

    @Override
    public void consumed(int bytes) {
        // TCP's own window: nothing to give back
    }

    @Override
    public void close() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void abort() {
        ctx.flush();
        ctx.close();
    }

    /**
     * Output shut down first, the rest of the input read and dropped for a short while, and only then the close.
     * Closing at once would make the kernel reset the connection over the unread bytes, and the client could lose
     * the answer.
     */
    @Override
    public void answerAndClose(FullHttpResponse answer) {
        discarding = true;
        ctx.channel().config().setAutoRead(true);
        ctx.writeAndFlush(answer).addListener(f -> {
            if (ctx.channel() instanceof DuplexChannel d && f.isSuccess()) {
                d.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public WebSocketTunnel.Client upgrade(HttpResponse upgraded) {
        ctx.writeAndFlush(upgraded);
        return WebSocketTunnel.of(ctx.channel(), HANDLERS);
    }
}
