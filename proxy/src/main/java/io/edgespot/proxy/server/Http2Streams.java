package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one downstream HTTP/2 connection, behind its frame codec: each request stream has a
 * {@link ProxyHandler} of its own, whose {@link Downstream} it is, with no channel or pipeline per stream. Confined
 * to the connection's event loop.
 *
 * <ul>
 *   <li><b>Requests.</b> A stream's frames become HTTP/1 messages ({@link Http2StreamMessages}) and go to its
 *       proxy, which takes them one at a time. The body's bytes go back to the client's window as the proxy takes
 *       them, so what a stream holds is bound by that window.</li>
 *   <li><b>Responses.</b> The proxy's messages become frames on the connection, which the codec's flow controller
 *       hands to the socket as the client's windows allow. A stream is writable while fewer than
 *       {@link #STREAM_HIGH_BYTES} of its writes are still off the socket and the flow controller calls it so;
 *       its proxy stops reading the origin otherwise, so what a connection holds is bound per stream.</li>
 *   <li><b>Stream errors</b> (RFC 9113 section 5.4.2) the codec found on a live stream reach the client as a
 *       RST_STREAM with their own code: DATA or HEADERS on a half-closed stream (STREAM_CLOSED), a second HEADERS
 *       without END_STREAM, pseudo-header fields in trailers, a missing request pseudo-header or a content-length the
 *       DATA frames do not add up to (PROTOCOL_ERROR), a PRIORITY frame of the wrong length (FRAME_SIZE_ERROR), a
 *       zero WINDOW_UPDATE increment or a window pushed past 2^31-1. The stream's proxy then hears it closed, as on
 *       a client's reset.</li>
 *   <li><b>WebSockets</b> (RFC 8441). Once the origin accepted one, the stream is the client end of a
 *       {@link WebSocketTunnel}: DATA payloads are its bytes, bytes written become DATA frames (the encoder splits
 *       them to the peer's frame size), and its close is an END_STREAM, then a reset with CANCEL if the client has
 *       not ended its side. The client's END_STREAM or RST_STREAM closes it.</li>
 *   <li><b>Deadlines.</b> One timer serves every stream's route timeouts: it goes off at the earliest deadline
 *       and each proxy acts on its own, so a stream schedules nothing.</li>
 *   <li><b>Idle</b> ({@link Http2IdleTimeout}, which runs only while no stream is open, WebSockets included): the
 *       connection closes, GOAWAY first. A WebSocket has its own idle timeout and ping.</li>
 *   <li><b>Drain:</b> without WebSockets the connection closes gracefully at once. With some, it sends GOAWAY (no
 *       new streams), drains every tunnel, each of which closes with 1001 within the drain window, and closes when
 *       the last of them has.</li>
 * </ul>
 */
final class Http2Streams extends ConnectionClock {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Streams.class);
    /**
     * The response bytes a stream may have written that are not on the socket yet, before it stops reading its
     * origin; it reads again below half of it. Netty's marks for a channel, which a stream channel had.
     */
    static final int STREAM_HIGH_BYTES = 64 * 1024;
    private static final int STREAM_LOW_BYTES = 32 * 1024;

    private final ProxyContext px;
    private final ConnectionInfo info;
    private final Http2Connection connection;
    private final IntObjectMap<Stream> streams = new IntObjectHashMap<>();
    private LoopFlusher flusher;
    /**
     * The promise of writes whose outcome nobody waits for. Its failures are not raised: such a write fails only on
     * a stream that has just closed, which the stream's proxy hears of anyway.
     */
    private ChannelPromise unwatched;
    private int webSockets;
    /** Draining: the connection closes when its last WebSocket has. */
    private boolean closeWhenNoWebSockets;

    /**
     * @param info       the connection's listener, client address and TLS tenant
     * @param connection the frame codec's connection, whose flow controller says which streams are writable
     */
    Http2Streams(ProxyContext px, ConnectionInfo info, Http2Connection connection) {
        this.px = px;
        this.info = info;
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        this.flusher = px.flusher(ctx.channel().eventLoop());
        this.unwatched = new VoidChannelPromise(ctx.channel(), false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame) && !(msg instanceof Http2DataFrame)) {
            ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY, RST_STREAM, WINDOW_UPDATE: the codec's work
            return;
        }
        Http2FrameStream id = ((Http2StreamFrame) msg).stream();
        Stream s = streams.get(id.id());
        if (s == null) {
            Http2Stream stream = connection.stream(id.id());
            if (!(msg instanceof Http2HeadersFrame) || stream == null) {
                ReferenceCountUtil.release(msg); // the stream's proxy is gone; its state is the codec's
                return;
            }
            s = new Stream(id, stream);
            streams.put(id.id(), s);
            s.proxy.start();
        }
        s.read((Http2StreamFrame) msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2FrameStreamEvent e) {
            int id = e.stream().id();
            Stream s = streams.get(id);
            if (s == null) {
                return;
            }
            if (e.type() == Http2FrameStreamEvent.Type.State) {
                if (e.stream().state() == Http2Stream.State.CLOSED) {
                    streams.remove(id);
                    s.closed();
                }
            } else if (s.isWritable()) {
                s.writable();
            }
        } else if (evt instanceof IdleStateEvent) {
            if (webSockets == 0) {
                ctx.close(); // the frame codec sends GOAWAY first
            }
        } else if (evt instanceof DrainEvent d) {
            drain(d);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private void drain(DrainEvent d) {
        if (webSockets == 0) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        closeWhenNoWebSockets = true;
        for (Stream s : new ArrayList<>(streams.values())) {
            if (s.webSocket != null && s.webSocket.tunnel != null) {
                s.webSocket.tunnel.drain(d.window());
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e) {
            LOG.debug("HTTP/2 stream {} reset with {}: {}", e.stream().id(), e.error(), e.getMessage());
            Stream s = streams.get(e.stream().id());
            if (s != null) {
                s.reset(e.error());
            } else {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(e.stream()));
            }
            return;
        }
        // the pipeline's last word on the connection's failures, none worth a warning with a stack trace: a
        // connection error of the protocol (the client's fault) the codec has answered with GOAWAY and closes on;
        // a socket failure (a client's reset, most often) closes the connection and its streams, as on HTTP/1.1
        LOG.debug("HTTP/2 connection on {} failed: {}", info.listener(), cause.toString());
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // the codec closed every stream as the connection went; whatever is left goes the same way
        for (Stream s : new ArrayList<>(streams.values())) {
            s.closed();
        }
        streams.clear();
        super.channelInactive(ctx);
    }

    /** The connection's one timer went off: each stream's proxy acts on its passed deadlines. */
    @Override
    protected void expired() {
        long now = now();
        long next = 0;
        for (Stream s : new ArrayList<>(streams.values())) {
            long n = s.proxy.checkDeadlines(now);
            if (n != 0 && (next == 0 || n - next < 0)) {
                next = n;
            }
        }
        if (next != 0) {
            armBy(next);
        }
    }

    /** One request stream: its proxy's client. */
    private final class Stream implements Downstream, Http2StreamMessages.Frames {
        private final Http2FrameStream id;
        private final Http2Stream stream;
        private final ProxyHandler proxy;
        /** Bytes written whose writes have not completed: still in the flow controller or the socket's buffer. */
        private int unwritten;
        /** The proxy found the stream not writable, and waits to hear when it is. */
        private boolean awaitingWritable;
        private ChannelFuture lastWrite;
        /** Once the stream carries a WebSocket: its client end. */
        private TunnelEnd webSocket;

        Stream(Http2FrameStream id, Http2Stream stream) {
            this.id = id;
            this.stream = stream;
            this.proxy = new ProxyHandler(px, info, true, null, this);
        }

        void read(Http2StreamFrame frame) {
            if (frame instanceof Http2DataFrame d) {
                int padding = d.initialFlowControlledBytes() - d.content().readableBytes();
                if (padding > 0) {
                    consumed(padding); // the proxy hears of the payload only
                }
            }
            if (webSocket != null) {
                webSocket.read(frame);
                return;
            }
            try {
                Object msg = Http2StreamMessages.message(frame);
                if (msg != null) {
                    proxy.received(msg);
                }
            } catch (Http2Exception e) {
                LOG.debug("HTTP/2 stream {} refused: {}", id.id(), e.getMessage());
                reset(e.error());
            } catch (RuntimeException e) {
                LOG.debug("HTTP/2 stream {} failed: {}", id.id(), e.toString());
                reset(Http2Error.INTERNAL_ERROR);
            }
        }

        void closed() {
            proxy.closed();
            if (webSocket != null) {
                webSocket.closed();
            }
        }

        void writable() {
            awaitingWritable = false;
            if (webSocket != null) {
                if (webSocket.tunnel != null) {
                    webSocket.tunnel.clientWritable();
                }
            } else {
                proxy.writable();
            }
        }

        void reset(Http2Error error) {
            if (stream.state() != Http2Stream.State.CLOSED) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(id));
            }
        }

        @Override
        public void write(Http2StreamFrame frame, ChannelPromise promise) {
            ctx.write(frame.stream(id), promise);
        }

        @Override
        public ChannelPromise voidPromise() {
            return unwatched;
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
            int bytes = msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
            ChannelPromise p = ctx.newPromise();
            Http2StreamMessages.write(msg, this, p);
            return track(p, bytes);
        }

        /** Counts {@code bytes} as off the socket until {@code write} completes. */
        ChannelFuture track(ChannelFuture write, int bytes) {
            lastWrite = write;
            if (bytes > 0 && !write.isDone()) {
                unwritten += bytes;
                write.addListener(f -> written(bytes));
            }
            return write;
        }

        private void written(int bytes) {
            unwritten -= bytes;
            if (awaitingWritable && unwritten <= STREAM_LOW_BYTES && isWritable()) {
                writable();
            }
        }

        @Override
        public ChannelFuture writeAndFlush(HttpObject msg) {
            ChannelFuture f = write(msg);
            ctx.flush();
            return f;
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
        public void wakeBy(long deadline) {
            armBy(deadline);
        }

        @Override
        public boolean isWritable() {
            boolean writable = unwritten < STREAM_HIGH_BYTES && stream.state() != Http2Stream.State.CLOSED
                    && connection.remote().flowController().isWritable(stream);
            if (!writable) {
                awaitingWritable = true;
            }
            return writable;
        }

        @Override
        public void reading(boolean on) {
            // the client's window bounds what it sends: given back in consumed()
        }

        @Override
        public void consumed(int bytes) {
            if (bytes > 0 && stream.state().remoteSideOpen()) {
                ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(id), unwatched);
                flushLater();
            }
        }

        /** A reset with NO_ERROR once what was written is out, if the client is still sending. */
        @Override
        public void close() {
            ChannelFuture last = lastWrite;
            if (last == null || last.isDone()) {
                stopClient();
            } else {
                last.addListener(f -> stopClient());
            }
        }

        private void stopClient() {
            if (stream.state().remoteSideOpen()) {
                reset(Http2Error.NO_ERROR);
            }
        }

        @Override
        public void abort() {
            ctx.flush();
            reset(Http2Error.CANCEL);
        }

        @Override
        public void answerAndClose(FullHttpResponse answer) {
            writeAndFlush(answer);
            close();
        }

        /** {@code :status 200} with the origin's negotiated subprotocol and extensions, and its other fields. */
        @Override
        public WebSocketTunnel.Client upgrade(HttpResponse upgraded) {
            Http2Headers h = HttpConversionUtil.toHttp2Headers(upgraded, false);
            h.status("200");
            h.remove(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, false).stream(id));
            webSocket = new TunnelEnd();
            webSockets++;
            return webSocket;
        }

        /** The client end of a WebSocket tunnel on this stream. */
        private final class TunnelEnd implements WebSocketTunnel.Client {
            private final Promise<Void> closeFuture = ctx.executor().newPromise();
            private WebSocketTunnel tunnel;
            private boolean reading = true;
            /** Window held back while the upstream cannot take more. */
            private int withheld;
            private boolean ended;

            @Override
            public void attach(WebSocketTunnel t) {
                tunnel = t;
                proxy.handOver(this::fromProxy); // what came after the extended CONNECT, before the answer
            }

            private void fromProxy(Object msg) {
                if (msg instanceof HttpContent c) {
                    ByteBuf payload = c.content();
                    take(payload.readableBytes());
                    relay(payload, c instanceof LastHttpContent);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }

            void read(Http2StreamFrame frame) {
                if (frame instanceof Http2DataFrame d) {
                    take(d.content().readableBytes());
                    relay(d.content(), d.isEndStream());
                } else {
                    ReferenceCountUtil.release(frame); // trailers: nothing a WebSocket carries
                }
            }

            private void take(int bytes) {
                if (reading) {
                    consumed(bytes);
                } else {
                    withheld += bytes;
                }
            }

            private void relay(ByteBuf payload, boolean endStream) {
                if (payload.isReadable() && tunnel != null) {
                    tunnel.fromClient(payload);
                    tunnel.clientReadComplete();
                } else {
                    payload.release();
                }
                if (endStream) {
                    close();
                }
            }

            void closed() {
                closeFuture.trySuccess(null);
                if (--webSockets == 0 && closeWhenNoWebSockets) {
                    ctx.close();
                }
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
            public boolean isActive() {
                return stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive();
            }

            @Override
            public boolean isWritable() {
                return Stream.this.isWritable();
            }

            @Override
            public void write(ByteBuf bytes) {
                int n = bytes.readableBytes();
                track(ctx.write(new DefaultHttp2DataFrame(bytes).stream(id)), n);
            }

            @Override
            public void flush() {
                ctx.flush();
            }

            @Override
            public ChannelFuture writeAndFlush(ByteBuf bytes) {
                int n = bytes.readableBytes();
                return track(ctx.writeAndFlush(new DefaultHttp2DataFrame(bytes).stream(id)), n);
            }

            @Override
            public void reading(boolean on) {
                reading = on;
                if (on && withheld > 0) {
                    consumed(withheld);
                    withheld = 0;
                }
            }

            /** END_STREAM after what was written, then a reset with CANCEL if the client has not ended its side. */
            @Override
            public void close() {
                if (ended || !isActive()) {
                    reset(Http2Error.CANCEL);
                    return;
                }
                ended = true;
                ctx.writeAndFlush(new DefaultHttp2DataFrame(true).stream(id))
                        .addListener(f -> reset(Http2Error.CANCEL));
            }

            @Override
            public Future<?> closeFuture() {
                return closeFuture;
            }
        }
    }
}
