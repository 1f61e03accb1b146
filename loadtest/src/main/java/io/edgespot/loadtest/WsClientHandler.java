package io.edgespot.loadtest;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket of a storm: performs the opening handshake, sends a numbered text message every interval,
 * checks that each echo matches what was sent, and reports how the connection ended.
 *
 * <p>Confined to its channel's event loop.
 */
final class WsClientHandler extends ChannelInboundHandlerAdapter {

    private final WsStorm storm;
    private final WebSocketClientHandshaker handshaker;
    private final int id;
    private final long connectStarted;
    private final ArrayDeque<Object[]> awaitingEcho = new ArrayDeque<>();
    private Future<?> ticker;
    private long seq;
    private boolean open;
    private boolean ended;

    WsClientHandler(WsStorm storm, WebSocketClientHandshaker handshaker, int id, long connectStarted) {
        this.storm = storm;
        this.handshaker = handshaker;
        this.id = id;
        this.connectStarted = connectStarted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // With TLS the SslHandler holds this write until its own handshake is done.
        handshaker.handshake(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!handshaker.isHandshakeComplete()) {
                finishHandshake(ctx, (FullHttpResponse) msg);
            } else if (msg instanceof TextWebSocketFrame) {
                echo(((TextWebSocketFrame) msg).text());
            } else if (msg instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                int code = ((CloseWebSocketFrame) msg).statusCode();
                end(code < 0 ? CloseWatch.ABNORMAL : code);
                ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, null))
                    .addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void finishHandshake(ChannelHandlerContext ctx, FullHttpResponse response) {
        try {
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketClientHandshakeException e) {
            storm.openFailed(e.response() == null ? 0 : e.response().status().code());
            ended = true;
            ctx.close();
            return;
        }
        open = true;
        storm.opened(ctx.channel(), System.nanoTime() - connectStarted);
        long interval = storm.args().interval().toNanos();
        // A random phase keeps thousands of sockets from all sending in the same millisecond.
        long phase = ThreadLocalRandom.current().nextLong(interval);
        ticker = ctx.executor().scheduleAtFixedRate(() -> send(ctx), phase, interval, TimeUnit.NANOSECONDS);
    }

    private void send(ChannelHandlerContext ctx) {
        if (!open || ended || storm.closing() || !ctx.channel().isActive()) {
            return;
        }
        String payload = "ws-" + id + "-" + seq++;
        awaitingEcho.add(new Object[] {payload, System.nanoTime()});
        storm.sent();
        ctx.writeAndFlush(new TextWebSocketFrame(payload));
    }

    private void echo(String text) {
        Object[] expected = awaitingEcho.poll();
        if (expected == null || !expected[0].equals(text)) {
            storm.echoMismatch();
        } else {
            storm.echoed(System.nanoTime() - (Long) expected[1]);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!open && !ended) {
            storm.openFailed(0);
            ended = true;
        } else if (!ended) {
            end(CloseWatch.ABNORMAL);
        }
        if (ticker != null) {
            ticker.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void end(int code) {
        if (ended) {
            return;
        }
        ended = true;
        storm.closedByServer(code);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
