package io.edgespot.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The WebSockets (RFC 8441) of one downstream HTTP/2 connection, and the connection's idle and drain handling,
 * which depend on them. Sits in the connection's pipeline after the frame codec; confined to its event loop.
 *
 * <ul>
 *   <li>Idle ({@link Http2IdleTimeout}, which runs only while no stream is open, WebSockets included): the
 *       connection closes, GOAWAY first. A WebSocket has its own idle timeout and ping.</li>
 *   <li>Drain: without WebSockets the connection closes gracefully at once. With some, it sends GOAWAY (no new
 *       streams), passes the drain to every WebSocket stream, whose tunnel closes with 1001 within the drain window,
 *       and closes when the last of them has.</li>
 * </ul>
 */
final class Http2WebSockets extends ChannelInboundHandlerAdapter {

    /** The stream handler that serves ordinary requests, removed when a stream becomes a WebSocket. */
    static final String[] STREAM_HANDLERS = {"proxy"};

    private final Set<Channel> streams = new HashSet<>();
    private ChannelHandlerContext ctx;
    private boolean closeWhenEmpty;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Answers an extended CONNECT whose upstream handshake succeeded: {@code :status 200} with the origin's
     * negotiated subprotocol and extensions (and its other end-to-end fields), and readies the stream for a
     * {@link WebSocketTunnel}. Call on the stream's event loop, before {@link WebSocketTunnel#open}.
     *
     * @param upgraded the origin's 101, its hop-by-hop fields already removed and Via added
     */
    static void accept(Channel stream, HttpResponse upgraded) {
        Http2Headers h = HttpConversionUtil.toHttp2Headers(upgraded, false);
        h.status("200");
        h.remove(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        stream.pipeline().addLast("ws-h2", new Http2WebSocketFraming());
        stream.pipeline().remove(Http2StreamMessages.class); // bytes from now on, framed by the line above
        Http2WebSockets connection = stream.parent().pipeline().get(Http2WebSockets.class);
        if (connection != null) {
            connection.add(stream);
        }
    }

    private void add(Channel stream) {
        streams.add(stream);
        stream.closeFuture().addListener(f -> {
            streams.remove(stream);
            if (closeWhenEmpty && streams.isEmpty()) {
                ctx.close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (streams.isEmpty()) {
                ctx.close(); // the frame codec sends GOAWAY first
            }
        } else if (evt instanceof DrainEvent) {
            if (streams.isEmpty()) {
                ctx.close();
                return;
            }
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            closeWhenEmpty = true;
            for (Channel stream : List.copyOf(streams)) {
                stream.pipeline().fireUserEventTriggered(evt);
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
