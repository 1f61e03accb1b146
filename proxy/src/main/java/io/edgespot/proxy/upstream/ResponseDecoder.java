package io.edgespot.proxy.upstream;

import static io.edgespot.proxy.http.Http1Grammar.isDigit;
import static io.edgespot.proxy.http.Http1Grammar.isFieldByte;

import io.edgespot.proxy.http.FieldList;
import io.edgespot.proxy.http.FieldSection;
import io.edgespot.proxy.http.Http1Decoder;
import io.edgespot.proxy.http.RequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Decodes an origin's HTTP/1.1 responses strictly, in one pass over each head.
 *
 * <p>A response head is read once it is complete: its bytes are copied into one array, checked against the RFC
 * 9112 grammar and turned into headers whose names and values are views of that array ({@link AsciiString}, no
 * further copy, and the downstream encoder writes them with one array copy each). Refused, so the exchange answers
 * 502 and closes the connection: a status line other than {@code HTTP/1.x SP 3DIGIT [SP reason] CRLF} with a
 * status from 100 to 599, whatever {@link FieldSection} refuses, a head larger than {@code maxHeadBytes}, a 101
 * that answers no upgrade request. Bodies and their faults are {@link Http1Decoder}'s.
 *
 * <p>What it emits: an interim (1xx) response alone; a final response whose body came whole with its head (or that
 * has none) as one {@link FullHttpResponse}, else as its {@link HttpResponse}, then its body ending in a
 * {@link LastHttpContent}; a 101 answering an upgrade request alone, and every later byte as a
 * {@code ByteBuf} for the tunnel that replaces this decoder. A fault before the head went out is an
 * {@code HttpResponse}, after it a {@code LastHttpContent}, whose decoder result is the failure; the decoder then
 * discards whatever follows. A body framed by the connection's close ends with the close; a close inside a counted or
 * chunked body emits nothing, so the exchange sees the connection close under an unfinished response.
 *
 * <p>Whether a response may have a body depends on its request (a HEAD's never has one): the decoder holds
 * the request encoder, which queues each request for the decoder to read its method and fields.
 */
final class ResponseDecoder extends Http1Decoder {

    /** Each request sent whose final response has not been decoded yet, oldest first (its head only is read). */
    private final ArrayDeque<HttpRequest> pending = new ArrayDeque<>(2);

    private final RequestEncoder encoder = new RequestEncoder(pending);

    /** The HTTP/1.1 codec of an upstream connection: this decoder, and the request encoder that feeds it. */
    ResponseDecoder(int maxHeadBytes) {
        super(maxHeadBytes);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        encoder.write(ctx, msg, promise);
    }

    /**
     * Whether bytes that belong to no response are buffered: an origin that sent more than it framed. Such a
     * connection must not be reused, or the next exchange on it would read them as the start of its response.
     */
    boolean holdsStrayBytes() {
        return pending.isEmpty() && actualReadableBytes() > 0;
    }

    // ------------------------------------------------------------------ heads

    @Override
    protected void decodeHead(ByteBuf in, List<Object> out) {
        // RFC 9112 section 2.2: empty lines before a message are ignored (some origins send one after a body). A
        // head that has begun to arrive starts with its status line, so this skips nothing once the search is on.
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
        }
        int end = sectionEnd(in);
        if ((end < 0 ? in.readableBytes() : end - in.readerIndex()) > maxSectionBytes()) {
            failHead(in, out, "response head larger than " + maxSectionBytes() + " bytes");
            return;
        }
        if (end < 0) {
            return; // the rest of the head has not arrived
        }
        byte[] b = new byte[end - in.readerIndex()];
        in.readBytes(b);
        String problem = head(b, in, out);
        if (problem != null) {
            failHead(in, out, problem);
        }
    }

    /**
     * Parses a complete head, emits what it frames; returns what is wrong with it, or null. {@code in} holds what
     * came after the head.
     */
    private String head(byte[] b, ByteBuf in, List<Object> out) {
        int n = b.length;
        if (n < 16 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
                || b[6] != '.' || !isDigit(b[7]) || b[8] != ' ' || !isDigit(b[9]) || !isDigit(b[10])
                || !isDigit(b[11]) || b[12] != ' ' && b[12] != '\r') {
            return "invalid status line";
        }
        int code = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        if (code < 100 || code > 599) {
            return "invalid status code";
        }
        int reasonStart = b[12] == ' ' ? 13 : 12;
        int p = reasonStart;
        while (b[p] != '\r') {
            if (!isFieldByte(b[p] & 0xff)) {
                return "control character in the status line";
            }
            p++;
        }
        if (b[p + 1] != '\n') {
            return "bare CR in the status line";
        }
        HttpResponseStatus status = status(code, b, reasonStart, p - reasonStart);
        FieldList headers = new FieldList();
        FieldSection fields = new FieldSection();
        String problem = fields.parse(b, p + 2, headers, true);
        if (problem != null) {
            return problem;
        }
        HttpVersion version = b[7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        if (code < 200) {
            HttpResponse response = new DefaultHttpResponse(version, status, headers);
            if (code == 101) {
                HttpRequest request = pending.poll();
                if (request == null || !request.headers().contains(HttpHeaderNames.UPGRADE)) {
                    return "101 Switching Protocols without an upgrade request";
                }
                upgraded();
            }
            out.add(response); // interim, or the end of HTTP on this connection
            return null;
        }
        HttpRequest request = pending.poll();
        if (request != null && HttpMethod.HEAD.equals(request.method()) || code == 204 || code == 304) {
            if (fields.chunked()) {
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING); // what a GET would have had; no body follows
            }
            end(out, whole(version, status, headers, Unpooled.EMPTY_BUFFER));
            return null;
        }
        long length = fields.contentLength();
        if (!fields.chunked() && length >= 0 && length <= in.readableBytes()) {
            // the whole body came with the head (a small object, or none): one message for the pipeline
            ByteBuf body = length == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice((int) length);
            end(out, whole(version, status, headers, body));
            return null;
        }
        out.add(new DefaultHttpResponse(version, status, headers));
        if (fields.chunked()) {
            chunkedBody();
        } else if (length > 0) {
            fixedBody(length);
        } else {
            bodyUntilClose();
        }
        return null;
    }

    /** A response and its body in one message; a response has no trailer section without a chunked body. */
    private static FullHttpResponse whole(HttpVersion version, HttpResponseStatus status, HttpHeaders headers,
            ByteBuf body) {
        return new DefaultFullHttpResponse(version, status, body, headers, EmptyHttpHeaders.INSTANCE);
    }

    /** The status constant when the reason phrase is the standard one (the usual case), else a new status. */
    private static HttpResponseStatus status(int code, byte[] b, int from, int length) {
        HttpResponseStatus known = HttpResponseStatus.valueOf(code);
        String reason = known.reasonPhrase();
        if (reason.length() == length) {
            int i = 0;
            while (i < length && reason.charAt(i) == b[from + i]) {
                i++;
            }
            if (i == length) {
                return known;
            }
        }
        return new HttpResponseStatus(code, new String(b, from, length, StandardCharsets.ISO_8859_1));
    }

    // ------------------------------------------------------------------ faults

    private void failHead(ByteBuf in, List<Object> out, String problem) {
        fail(in);
        HttpResponse invalid = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        invalid.setDecoderResult(DecoderResult.failure(new MalformedMessageException(problem)));
        out.add(invalid);
    }

}
