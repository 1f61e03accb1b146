package io.edgespot.proxy.server;

import io.edgespot.proxy.http.FieldList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
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

/**
 * The HTTP/1 messages of an HTTP/2 stream, on the server side: a request's frames become the request objects the
 * proxy handles over HTTP/1.1, and the response objects it writes become frames. Frame for frame what Netty's
 * {@code Http2StreamFrameToHttpObjectCodec} makes, with Netty's conversions of the fields, but without what that
 * general codec costs on every stream: a handler in a pipeline of the stream's own, the message lists and promise
 * combiners of a message-to-message codec, a pooled buffer for the empty body of every request without one, and a
 * second check of every field.
 *
 * <ul>
 *   <li>HEADERS that end the stream: a full request with an empty body; HEADERS that do not: a request head,
 *       marked chunked when it has no content-length, as an HTTP/1.1 request with a body of unknown length is, or
 *       the HTTP/1.1 handshake of a WebSocket for an extended CONNECT ({@link Http2WebSocketRequests});
 *       HEADERS after DATA: the trailers, in the last content.</li>
 *   <li>DATA: the body, its last piece where the frame ends the stream. The frame's buffer moves into it.</li>
 *   <li>Another stream frame (of an unknown type) is dropped, where Netty's codec passes it on: the proxy takes
 *       one message at a time, and would take it for that message and wait.</li>
 *   <li>A response head: HEADERS, ending the stream for a full response without body or trailers; a 1xx other
 *       than 101 only as a full response, and never ending the stream. Body pieces: DATA. The last piece: DATA
 *       that ends the stream (an empty one when it carries nothing else), then the trailers as HEADERS.</li>
 * </ul>
 *
 * <p>Where a message becomes two frames, the first goes with the void promise and the caller's promise waits on
 * the second. Field values are not checked here: the frame codec has checked the request's fields and the request
 * guard checks every value; a response's fields come from the strict response decoder, the cache (checked when
 * stored) or edgespot itself.
 */
final class Http2StreamMessages {

    /** Where a stream's frames go: its connection, which sets the stream on each. */
    interface Frames {
        void write(Http2StreamFrame frame, ChannelPromise promise);

        ChannelPromise voidPromise();
    }

    private Http2StreamMessages() {
    }

    /**
     * The message a frame the client sent on a stream makes, or null for none (the frame was released).
     *
     * @throws Http2Exception when Netty cannot convert the request's fields
     */
    static Object message(Http2StreamFrame frame) throws Http2Exception {
        if (frame instanceof Http2HeadersFrame f) {
            return Http2WebSocketRequests.isWebSocketConnect(f) ? Http2WebSocketRequests.upgradeRequest(f) : request(f);
        }
        if (frame instanceof Http2DataFrame d) {
            ByteBuf content = d.content();
            return d.isEndStream() ? new DefaultLastHttpContent(content, FieldList.FACTORY)
                    : new DefaultHttpContent(content);
        }
        ReferenceCountUtil.release(frame);
        return null;
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

    /** Writes a response head, body piece or end as the frames it makes. */
    static void write(HttpObject msg, Frames out, ChannelPromise promise) {
        try {
            if (msg instanceof HttpResponse r) {
                writeHead(out, r, promise);
            } else if (msg instanceof LastHttpContent last) {
                writeLast(out, last, promise);
            } else if (msg instanceof HttpContent c) {
                out.write(new DefaultHttp2DataFrame(c.content(), false), promise);
            } else {
                throw new EncoderException("not a response: " + msg.getClass().getSimpleName());
            }
        } catch (RuntimeException e) { // a response Netty cannot convert; nothing of it was written
            ReferenceCountUtil.release(msg);
            promise.tryFailure(e);
        }
    }

    private static void writeHead(Frames out, HttpResponse r, ChannelPromise promise) {
        Http2Headers headers = Http2ResponseFields.of(r);
        if (r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101) {
            if (!(r instanceof FullHttpMessage full)) {
                throw new EncoderException(r.status() + " must be a FullHttpResponse");
            }
            full.release();
            out.write(new DefaultHttp2HeadersFrame(headers, false), promise);
            return;
        }
        if (!(r instanceof FullHttpMessage full)) {
            out.write(new DefaultHttp2HeadersFrame(headers, false), promise);
            return;
        }
        if (!full.content().isReadable() && full.trailingHeaders().isEmpty()) {
            full.release();
            out.write(new DefaultHttp2HeadersFrame(headers, true), promise);
            return;
        }
        out.write(new DefaultHttp2HeadersFrame(headers, false), out.voidPromise());
        writeLast(out, full, promise);
    }

    /**
     * The end of a body: DATA ending the stream (empty when the end carries nothing: a full response without body
     * or trailers ended with its HEADERS already), or DATA and then the trailers ending it.
     */
    private static void writeLast(Frames out, LastHttpContent last, ChannelPromise promise) {
        ByteBuf content = last.content();
        if (last.trailingHeaders().isEmpty()) {
            out.write(new DefaultHttp2DataFrame(content, true), promise);
            return;
        }
        Http2Headers fields = HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), false);
        if (content.isReadable()) {
            out.write(new DefaultHttp2DataFrame(content, false), out.voidPromise());
        } else {
            content.release();
        }
        out.write(new DefaultHttp2HeadersFrame(fields, true), promise);
    }
}
