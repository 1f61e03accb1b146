package io.edgespot.proxy.server;

import io.edgespot.proxy.http.FieldList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;

/**
 * The first handler of every HTTP/2 stream, and its HTTP/1 messages, on the server side: a request's frames become
 * the request objects the proxy handles over HTTP/1.1, and the response objects it writes become frames. Frame for
 * frame what Netty's {@code Http2StreamFrameToHttpObjectCodec} makes, with Netty's conversions of the fields, but
 * without what that general codec costs on every stream: the message lists and promise combiners of a
 * message-to-message codec, a pooled buffer for the empty body of every request without one, and a second check of
 * every field.
 *
 * <ul>
 *   <li>HEADERS that end the stream: a full request with an empty body; HEADERS that do not: a request head,
 *       marked chunked when it has no content-length, as an HTTP/1.1 request with a body of unknown length is, or
 *       the HTTP/1.1 handshake of a WebSocket for an extended CONNECT ({@link Http2WebSocketRequests});
 *       HEADERS after DATA: the trailers, in the last content.</li>
 *   <li>DATA: the body, its last piece where the frame ends the stream. The frame's buffer moves into it.</li>
 *   <li>Another stream frame (of an unknown type) is dropped, where Netty's codec passes it on: the proxy asks
 *       for one message per read, and would take it for that message and wait; anything that is not a stream
 *       frame passes on.</li>
 *   <li>A response head: HEADERS, ending the stream for a full response without body or trailers; a 1xx other
 *       than 101 only as a full response, and never ending the stream. Body pieces: DATA. The last piece: DATA
 *       that ends the stream (an empty one when it carries nothing else), then the trailers as HEADERS.</li>
 * </ul>
 *
 * <p>Where a message becomes two frames, the first goes with the void promise and the caller's promise waits on
 * the second. Field values are not checked here: the frame codec has checked the request's fields and the request
 * guard checks every value; a response's fields come from the strict response decoder, the cache (checked when
 * stored) or edgespot itself.
 *
 * <p>One instance serves every stream of a connection, and builds each stream's pipeline: in front, itself, which
 * also ends stream errors where they arrive ({@link Http2StreamErrors}); behind it, a proxy handler of the stream's
 * own. Two handlers per stream, where each more costs every stream a context, its set-up and a hop per event.
 */
@ChannelHandler.Sharable
final class Http2StreamMessages extends ChannelDuplexHandler {

    /** The codec alone, for a pipeline whose handlers are added by its owner. */
    static final Http2StreamMessages INSTANCE = new Http2StreamMessages(null);

    private final Supplier<ChannelHandler> proxy;

    /**
     * @param proxy makes the handler placed behind the codec on each stream, or null for none
     */
    Http2StreamMessages(Supplier<ChannelHandler> proxy) {
        this.proxy = proxy;
    }

    /**
     * Readies a new stream: read on demand and from the connection's allocator, and its proxy handler behind this.
     * Without a flow control handler: with auto-read off a stream channel hands on one frame per read, and this makes
     * at most one message of a frame, so each read the proxy asks for brings at most one message.
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (proxy == null) {
            return;
        }
        Channel stream = ctx.channel();
        stream.config().setAutoRead(false).setAllocator(stream.parent().config().getAllocator());
        ctx.pipeline().addLast("proxy", proxy.get()); // named: an unnamed handler costs a name search
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!Http2StreamErrors.absorbed(cause)) {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Http2Exception {
        if (msg instanceof Http2HeadersFrame f) {
            boolean webSocket = Http2WebSocketRequests.isWebSocketConnect(f);
            ctx.fireChannelRead(webSocket ? Http2WebSocketRequests.upgradeRequest(f) : request(f));
        } else if (msg instanceof Http2DataFrame d) {
            ByteBuf content = d.content();
            ctx.fireChannelRead(d.isEndStream() ? new DefaultLastHttpContent(content, FieldList.FACTORY)
                    : new DefaultHttpContent(content));
        } else if (msg instanceof Http2StreamFrame) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private static Object request(Http2HeadersFrame f) throws Http2Exception {
        Http2Headers h = f.headers();
        int id = f.stream() == null ? 0 : f.stream().id();
        if (!f.isEndStream()) {
            HttpRequest head = HttpConversionUtil.toHttpRequest(id, h, false);
            if (!HttpUtil.isContentLengthSet(head)) {
                head.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            return head;
        }
        if (h.method() == null && h.status() == null) {
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, FieldList.FACTORY);
            HttpConversionUtil.addHttp2ToHttpHeaders(id, h, last.trailingHeaders(), HttpVersion.HTTP_1_1, true,
                    true);
            return last;
        }
        return HttpConversionUtil.toFullHttpRequest(id, h, Unpooled.EMPTY_BUFFER, false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof HttpResponse) && !(msg instanceof HttpContent)) {
            ctx.write(msg, promise);
            return;
        }
        try {
            if (msg instanceof HttpResponse r) {
                writeHead(ctx, r, promise);
            } else if (msg instanceof LastHttpContent last) {
                writeLast(ctx, last, promise);
            } else {
                ctx.write(new DefaultHttp2DataFrame(((HttpContent) msg).content(), false), promise);
            }
        } catch (RuntimeException e) { // a response Netty cannot convert; nothing of it was written
            ReferenceCountUtil.release(msg);
            promise.tryFailure(e);
        }
    }

    private static void writeHead(ChannelHandlerContext ctx, HttpResponse r, ChannelPromise promise) {
        Http2Headers headers = Http2ResponseFields.of(r);
        if (r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101) {
            if (!(r instanceof FullHttpMessage full)) {
                throw new EncoderException(r.status() + " must be a FullHttpResponse");
            }
            full.release();
            ctx.write(new DefaultHttp2HeadersFrame(headers, false), promise);
            return;
        }
        if (!(r instanceof FullHttpMessage full)) {
            ctx.write(new DefaultHttp2HeadersFrame(headers, false), promise);
            return;
        }
        if (!full.content().isReadable() && full.trailingHeaders().isEmpty()) {
            full.release();
            ctx.write(new DefaultHttp2HeadersFrame(headers, true), promise);
            return;
        }
        ctx.write(new DefaultHttp2HeadersFrame(headers, false), ctx.voidPromise());
        writeLast(ctx, full, promise);
    }

    /**
     * The end of a body: DATA ending the stream (empty when the end carries nothing: a full response without body
     * or trailers ended with its HEADERS already), or DATA and then the trailers ending it.
     */
    private static void writeLast(ChannelHandlerContext ctx, LastHttpContent last, ChannelPromise promise) {
        ByteBuf content = last.content();
        if (last.trailingHeaders().isEmpty()) {
            ctx.write(new DefaultHttp2DataFrame(content, true), promise);
            return;
        }
        Http2Headers fields = HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false);
        if (content.isReadable()) {
            ctx.write(new DefaultHttp2DataFrame(content, false), ctx.voidPromise());
        } else {
            content.release();
        }
        ctx.write(new DefaultHttp2HeadersFrame(fields, true), promise);
    }
}
