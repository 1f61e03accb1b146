package io.edgespot.proxy.upstream;

import static io.edgespot.proxy.http.Http1Grammar.hexValue;
import static io.edgespot.proxy.http.Http1Grammar.isFieldByte;
import static io.edgespot.proxy.http.Http1Grammar.isTchar;

import io.edgespot.proxy.http.OutboundPassThrough;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
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
 * 502 and closes the connection:
 * <ul>
 *   <li>a status line other than {@code HTTP/1.x SP 3DIGIT [SP reason] CRLF} with a status from 100 to 599;</li>
 *   <li>a field name that is not a token directly followed by {@code :}, obs-fold (RFC 9112 section 5.2 lets a
 *       proxy refuse it), a control character in a value (NUL, a bare CR), line ends other than CRLF;</li>
 *   <li>more than one Content-Length field, or a value that is not one decimal number (a list of equal values
 *       included: forwarding it would need a rewrite);</li>
 *   <li>a Transfer-Encoding other than exactly {@code chunked} (as nginx does), and Transfer-Encoding together
 *       with Content-Length (RFC 9112 section 6.3 calls it an error to be handled as one);</li>
 *   <li>a head larger than {@code maxHeadBytes}; a 101 that answers no upgrade request;</li>
 *   <li>in a chunked body: a chunk size that is not hexadecimal or exceeds an int, a control character in a chunk
 *       extension or a size line longer than {@link #MAX_CHUNK_LINE}, chunk data not followed by CRLF, a malformed
 *       trailer field.</li>
 * </ul>
 *
 * <p>What it emits: an interim (1xx) response alone; a final response as its {@link HttpResponse}, then its body
 * as {@code HttpContent} pieces (slices of the read buffers), the last a {@link LastHttpContent} carrying any
 * trailer fields; a 101 answering an upgrade request alone, and every later byte as a {@code ByteBuf} for the
 * tunnel that replaces this decoder. A fault before the head went out is an {@code HttpResponse}, after it a
 * {@code LastHttpContent}, whose decoder result is the failure; the decoder then discards whatever follows. A body
 * framed by the connection's close ends with the close; a close inside a counted or chunked body emits nothing, so
 * the exchange sees the connection close under an unfinished response.
 *
 * <p>Whether a response may have a body depends on its request (a HEAD's never has one): the decoder holds
 * the request encoder, which queues each request for the decoder to read its method and fields.
 */
final class ResponseDecoder extends ByteToMessageDecoder implements OutboundPassThrough {

    /** The longest chunk-size line, extensions included. */
    static final int MAX_CHUNK_LINE = 4096;

    private static final HttpHeadersFactory HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false); // validated here, byte by byte
    private static final HttpHeadersFactory TRAILERS =
            DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    private enum State { HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UPGRADED, FAILED }

    private final int maxHeadBytes;
    /** Each request sent whose final response has not been decoded yet, oldest first (its head only is read). */
    private final ArrayDeque<HttpRequest> pending = new ArrayDeque<>(2);
    private State state = State.HEAD;
    /** Body bytes left: of a Content-Length body, or of the current chunk. */
    private long remaining;
    /** Bytes past the reader index already searched for the end of a head or trailer section. */
    private int searched;
    /** Where the line being searched starts, past the reader index. */
    private int lineStart;

    private final RequestEncoder encoder = new RequestEncoder();

    /** The HTTP/1.1 codec of an upstream connection: this decoder, and the request encoder that feeds it. */
    ResponseDecoder(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        encoder.write(ctx, msg, promise);
    }

    /** Notes each request on its way out, for the decoder to frame the response. */
    private final class RequestEncoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                pending.add(request);
            }
            super.encode(ctx, msg, out);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> decodeHead(in, out);
            case FIXED -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                if (n > 0) {
                    remaining -= n;
                    ByteBuf piece = in.readRetainedSlice(n);
                    if (remaining == 0) {
                        state = State.HEAD;
                        out.add(new DefaultLastHttpContent(piece, TRAILERS));
                    } else {
                        out.add(new DefaultHttpContent(piece));
                    }
                }
            }
            case UNTIL_CLOSE, UPGRADED -> {
                if (in.isReadable()) {
                    out.add(state == State.UPGRADED ? in.readRetainedSlice(in.readableBytes())
                            : new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
                }
            }
            case CHUNK_SIZE -> decodeChunkSize(in, out);
            case CHUNK_DATA -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                if (n > 0) {
                    remaining -= n;
                    out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
            }
            case CHUNK_END -> {
                if (in.readableBytes() >= 2) {
                    if (in.readByte() != '\r' || in.readByte() != '\n') {
                        failBody(in, out, "chunk data not followed by CRLF");
                    } else {
                        state = State.CHUNK_SIZE;
                    }
                }
            }
            case TRAILERS -> decodeTrailers(in, out);
            case FAILED -> in.skipBytes(in.readableBytes());
            default -> throw new IllegalStateException(state.name());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            state = State.HEAD;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT); // the close is this body's end
        }
    }

    // ------------------------------------------------------------------ heads

    private void decodeHead(ByteBuf in, List<Object> out) {
        if (searched == 0) {
            // RFC 9112 section 2.2: empty lines before a message are ignored (some origins send one after a body)
            while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
                in.skipBytes(1);
            }
        }
        int end = sectionEnd(in);
        if (end < 0) {
            if (in.readableBytes() > maxHeadBytes) {
                failHead(in, out, "response head larger than " + maxHeadBytes + " bytes");
            }
            return;
        }
        if (end - in.readerIndex() > maxHeadBytes) {
            failHead(in, out, "response head larger than " + maxHeadBytes + " bytes");
            return;
        }
        byte[] b = new byte[end - in.readerIndex()];
        in.readBytes(b);
        String problem = head(b, out);
        if (problem != null) {
            failHead(in, out, problem);
        }
    }

    /**
     * Finds the end of a head or trailer section (the index just past its empty line), searching only the bytes
     * that arrived since the last call; -1 while it has not arrived.
     */
    private int sectionEnd(ByteBuf in) {
        int base = in.readerIndex();
        int end = in.writerIndex();
        int p = base + searched;
        while (p < end) {
            int lf = in.indexOf(p, end, (byte) '\n');
            if (lf < 0) {
                break;
            }
            if (lf - (base + lineStart) <= 1) { // "\r\n" or a bare "\n": the parse refuses the latter
                searched = 0;
                lineStart = 0;
                return lf + 1;
            }
            lineStart = lf + 1 - base;
            p = lf + 1;
        }
        searched = end - base;
        return -1;
    }

    /** Parses a complete head, emits what it frames; returns what is wrong with it, or null. */
    private String head(byte[] b, List<Object> out) {
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
        HttpHeaders headers = HEADERS.newHeaders();
        Fields fields = new Fields();
        String problem = fields.parse(b, p + 2, headers, true);
        if (problem != null) {
            return problem;
        }
        HttpResponse response = new DefaultHttpResponse(b[7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                status, headers);
        if (code < 200) {
            if (code == 101) {
                HttpRequest request = pending.poll();
                if (request == null || !request.headers().contains(HttpHeaderNames.UPGRADE)) {
                    return "101 Switching Protocols without an upgrade request";
                }
                state = State.UPGRADED;
            }
            out.add(response); // interim, or the end of HTTP on this connection
            return null;
        }
        HttpRequest request = pending.poll();
        if (request != null && HttpMethod.HEAD.equals(request.method()) || code == 204 || code == 304) {
            if (fields.chunked) {
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING); // what a GET would have had; no body follows
            }
            out.add(response);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return null;
        }
        if (fields.chunked) {
            if (fields.contentLength >= 0) {
                return "both Content-Length and Transfer-Encoding";
            }
            state = State.CHUNK_SIZE;
            out.add(response);
        } else if (fields.contentLength == 0) {
            out.add(response);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (fields.contentLength > 0) {
            state = State.FIXED;
            remaining = fields.contentLength;
            out.add(response);
        } else {
            state = State.UNTIL_CLOSE;
            out.add(response);
        }
        return null;
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

    // ------------------------------------------------------------------ chunked bodies

    private void decodeChunkSize(ByteBuf in, List<Object> out) {
        int base = in.readerIndex();
        int lf = in.indexOf(base, base + Math.min(in.readableBytes(), MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                failBody(in, out, "chunk size line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return;
        }
        long size = 0;
        int p = base;
        int digits = 0;
        for (int v; (v = hexValue(in.getByte(p) & 0xff)) >= 0; p++, digits++) {
            size = size * 16 + v;
            if (size > Integer.MAX_VALUE) {
                failBody(in, out, "chunk size overflow");
                return;
            }
        }
        int cr = lf - 1;
        if (digits == 0 || cr < p || in.getByte(cr) != '\r') {
            failBody(in, out, "invalid chunk size line");
            return;
        }
        // BWS, then any chunk extensions: ";" and field bytes (their names and values are not used)
        while (p < cr && (in.getByte(p) == ' ' || in.getByte(p) == '\t')) {
            p++;
        }
        if (p < cr && in.getByte(p) != ';') {
            failBody(in, out, "invalid chunk size line");
            return;
        }
        for (; p < cr; p++) {
            if (!isFieldByte(in.getByte(p) & 0xff)) {
                failBody(in, out, "control character in a chunk extension");
                return;
            }
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void decodeTrailers(ByteBuf in, List<Object> out) {
        if (searched == 0 && in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2); // no trailer fields: the usual end
            state = State.HEAD;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        int end = sectionEnd(in);
        if (end < 0 || end - in.readerIndex() > maxHeadBytes) {
            if (in.readableBytes() > maxHeadBytes) {
                failBody(in, out, "trailer section larger than " + maxHeadBytes + " bytes");
            }
            return;
        }
        byte[] b = new byte[end - in.readerIndex()];
        in.readBytes(b);
        HttpHeaders trailers = TRAILERS.newHeaders();
        String problem = new Fields().parse(b, 0, trailers, false);
        if (problem != null) {
            failBody(in, out, problem);
            return;
        }
        state = State.HEAD;
        out.add(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }

    // ------------------------------------------------------------------ faults

    private void failHead(ByteBuf in, List<Object> out, String problem) {
        fail(in);
        HttpResponse invalid = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        invalid.setDecoderResult(DecoderResult.failure(new InvalidResponseException(problem)));
        out.add(invalid);
    }

    private void failBody(ByteBuf in, List<Object> out, String problem) {
        fail(in);
        LastHttpContent invalid = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, TRAILERS);
        invalid.setDecoderResult(DecoderResult.failure(new InvalidResponseException(problem)));
        out.add(invalid);
    }

    private void fail(ByteBuf in) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** What is wrong with an origin's response; no stack trace, it is an answer, not a bug. */
    static final class InvalidResponseException extends Exception {
        InvalidResponseException(String problem) {
            super(problem, null, false, false);
        }
    }

    /** The field lines of a head or trailer section, and what the framing needs to know of them. */
    private static final class Fields {
        /** The Content-Length, or -1 without one. */
        long contentLength = -1;
        boolean chunked;

        /**
         * Parses field lines from {@code p} up to and including the empty line that ends {@code b}, into
         * {@code into}. In a trailer section ({@code head} false) the framing fields are dropped, as RFC 9110
         * section 6.5.1 allows.
         */
        String parse(byte[] b, int p, HttpHeaders into, boolean head) {
            while (true) {
                int c = b[p] & 0xff;
                if (c == '\r') {
                    return b[p + 1] == '\n' ? null : "bare CR in a field line";
                }
                if (c == '\n') {
                    return "bare LF in a field line";
                }
                if (c == ' ' || c == '\t') {
                    return "obs-fold or whitespace at the start of a field line";
                }
                int nameStart = p;
                while (isTchar(b[p] & 0xff)) {
                    p++;
                }
                if (p == nameStart || b[p] != ':') {
                    return "invalid field name";
                }
                int nameEnd = p++;
                while (b[p] == ' ' || b[p] == '\t') {
                    p++;
                }
                int valueStart = p;
                while (isFieldByte(b[p] & 0xff)) {
                    p++;
                }
                if (b[p] != '\r') {
                    return b[p] == '\n' ? "bare LF in a field line" : "control character in a field value";
                }
                if (b[p + 1] != '\n') {
                    return "bare CR in a field value";
                }
                int valueEnd = p;
                while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
                    valueEnd--;
                }
                p += 2;
                AsciiString name = new AsciiString(b, nameStart, nameEnd - nameStart, false);
                AsciiString value = new AsciiString(b, valueStart, valueEnd - valueStart, false);
                if (isFraming(name)) {
                    if (!head) {
                        continue;
                    }
                    String problem = framing(name, value);
                    if (problem != null) {
                        return problem;
                    }
                }
                into.add(name, value);
            }
        }

        private static boolean isFraming(AsciiString name) {
            int n = name.length();
            return n == 14 && name.contentEqualsIgnoreCase(HttpHeaderNames.CONTENT_LENGTH)
                    || n == 17 && name.contentEqualsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING)
                    || n == 7 && name.contentEqualsIgnoreCase(HttpHeaderNames.TRAILER);
        }

        private String framing(AsciiString name, AsciiString value) {
            if (name.length() == 7) {
                return null; // Trailer: kept in a head
            }
            if (name.length() == 17) {
                if (chunked) {
                    return "more than one Transfer-Encoding field";
                }
                if (!value.contentEqualsIgnoreCase(HttpHeaderValues.CHUNKED)) {
                    return "Transfer-Encoding other than chunked";
                }
                chunked = true;
                return null;
            }
            if (contentLength >= 0) {
                return "more than one Content-Length field";
            }
            int len = value.length();
            if (len == 0 || len > 18) {
                return "invalid Content-Length";
            }
            long v = 0;
            for (int i = 0; i < len; i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    return "invalid Content-Length";
                }
                v = v * 10 + (c - '0');
            }
            contentLength = v;
            return null;
        }
    }
}
