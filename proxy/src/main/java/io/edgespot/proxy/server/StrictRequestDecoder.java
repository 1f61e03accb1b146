package io.edgespot.proxy.server;

import static io.edgespot.proxy.http.Http1Grammar.hexValue;
import static io.edgespot.proxy.http.Http1Grammar.isDigit;
import static io.edgespot.proxy.http.Http1Grammar.isFieldByte;
import static io.edgespot.proxy.http.Http1Grammar.isTchar;

import io.edgespot.proxy.http.FieldList;
import io.edgespot.proxy.http.FieldSection;
import io.edgespot.proxy.http.Http1Decoder;
import io.edgespot.proxy.http.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * An HTTP/1.1 request decoder that refuses every framing ambiguity a request-smuggling attack needs.
 *
 * <p>A request head is judged and decoded in one pass once its empty line has arrived, from one copy of its bytes,
 * so a head that trickles in is judged exactly like one that arrives whole:
 * <ul>
 *   <li>the request line against RFC 9112: {@code method SP request-target SP HTTP/d.d CRLF}, a token method, a
 *       target of visible ASCII, single spaces; empty lines (CRLF) before it are skipped;</li>
 *   <li>the field lines by {@link FieldSection} (shared with the response decoder; names and values are views of the
 *       copy): obs-fold, a bare CR or LF, NUL and other control characters, invalid field names, more than one
 *       Content-Length or one that is not a single decimal number, a Transfer-Encoding other than exactly
 *       {@code chunked}, and both together (RFC 9112 section 6.1 allows a server to process that; a proxy must not
 *       forward it) are refused;</li>
 *   <li>a chunked body by its scanner, over every byte that has arrived and ahead of the decoding: hexadecimal chunk
 *       sizes that fit in an int, chunk extensions without control characters and of bounded total size, CRLF
 *       after each chunk's data, well-formed trailer fields. When a request's head and a malformed body arrive
 *       together, the head is withheld, so the request is never forwarded.</li>
 * </ul>
 * Bodies are {@link Http1Decoder}'s. Each request's method is remembered so that the {@link ResponseEncoder}
 * this decoder holds frames HEAD answers right.
 *
 * <p>A refused request becomes a {@link MalformedRequest} message, and everything after it on the connection is
 * discarded: the connection is answered with 400 and closed by {@link RequestGuard}. A request line longer than
 * {@code maxInitialLine} or field lines longer than {@code maxHeaderBytes} in all, checked while they arrive, come
 * out as a request whose decoder result is a {@link TooLongHttpLineException} or {@link TooLongHttpHeaderException},
 * which the guard answers with 414 or 431. An incomplete head is bounded by those sizes and by the header timeout.
 */
final class StrictRequestDecoder extends Http1Decoder {

    /** Chunk-extension bytes one request may carry in all; chunk extensions have no use in a proxied request. */
    static final int MAX_CHUNK_EXTENSION_BYTES = 4096;

    private final int maxInitialLine;
    /** Per request head decoded and not yet answered, whether it is a HEAD request. */
    private final ArrayDeque<Boolean> headRequests = new ArrayDeque<>();
    private final ResponseEncoder encoder = new ResponseEncoder(headRequests);
    private final Runnable headStarted;
    private final ChunkedBodyScanner body = new ChunkedBodyScanner();
    /** Where the request line's LF is, past the reader index; -1 until it has arrived. */
    private int requestLineEnd = -1;
    /** Bytes of the head past the reader index already searched for the request line's LF. */
    private int lineSearched;

    /**
     * @param headStarted  run after a decode that leaves part of a request head buffered (the head clock's start)
     */
    StrictRequestDecoder(int maxInitialLine, int maxHeaderBytes, Runnable headStarted) {
        super(maxHeaderBytes);
        this.maxInitialLine = maxInitialLine;
        this.headStarted = headStarted;
    }

    /** Responses go out through the encoder this decoder holds, which frames HEAD answers by its queue. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        encoder.write(ctx, msg, promise);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state() == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // A chunked body's framing is judged over everything that has arrived before any of it is decoded.
        String problem = body.scan(in);
        if (problem != null) {
            refuse(in, out, problem);
            return;
        }
        super.decode(ctx, in, out);
        if (state() == State.HEAD && in.isReadable()) {
            headStarted.run();
        }
    }

    @Override
    protected void consumed(int n) {
        body.consumed(n);
    }

    @Override
    protected void messageEnded() {
        body.stop();
    }

    @Override
    protected void decodeHead(ByteBuf in, List<Object> out) {
        // Empty lines before a request line are ignored (RFC 9112 section 2.2): CRLF pairs, consumed at once, so a
        // stream of them takes no memory.
        while (in.isReadable() && lineSearched == 0) {
            byte c = in.getByte(in.readerIndex());
            if (c == '\n') {
                refuse(in, out, "bare LF in request head");
                return;
            }
            if (c != '\r') {
                break;
            }
            if (in.readableBytes() < 2) {
                return;
            }
            if (in.getByte(in.readerIndex() + 1) != '\n') {
                refuse(in, out, "bare CR in request head");
                return;
            }
            in.skipBytes(2);
        }
        if (!in.isReadable()) {
            return;
        }
        int base = in.readerIndex();
        if (requestLineEnd < 0) {
            int lf = in.indexOf(base + lineSearched, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                lineSearched = in.readableBytes();
                if (lineSearched > maxInitialLine + 1) {
                    tooLong(in, out, new TooLongHttpLineException("request line longer than " + maxInitialLine
                            + " bytes"));
                }
                return;
            }
            requestLineEnd = lf - base;
            lineSearched = requestLineEnd + 1;
        }
        if (requestLineEnd - 1 > maxInitialLine) {
            tooLong(in, out, new TooLongHttpLineException("request line longer than " + maxInitialLine + " bytes"));
            return;
        }
        int end = sectionEnd(in);
        int fieldBytes = (end < 0 ? in.writerIndex() : end) - base - (requestLineEnd + 1);
        if (fieldBytes > maxSectionBytes()) {
            tooLong(in, out, new TooLongHttpHeaderException("field lines longer than " + maxSectionBytes()
                    + " bytes"));
            return;
        }
        if (end < 0) {
            return; // the rest of the head has not arrived
        }
        int lineEnd = requestLineEnd;
        requestLineEnd = -1;
        lineSearched = 0;
        byte[] b = new byte[end - base];
        in.readBytes(b);
        String problem = checkRequestLine(b, lineEnd);
        if (problem != null) {
            refuse(in, out, problem);
            return;
        }
        FieldList headers = new FieldList();
        FieldSection fields = new FieldSection();
        problem = fields.parse(b, lineEnd + 1, headers, true);
        if (problem != null) {
            refuse(in, out, problem);
            return;
        }
        boolean bodyless = !fields.chunked() && fields.contentLength() <= 0;
        HttpRequest request = request(b, lineEnd - 1, headers, bodyless);
        if (fields.chunked()) {
            // The body that came with the head is judged now, so that a head whose body is already known to be
            // malformed is never passed on.
            body.start();
            problem = body.scan(in);
            if (problem != null) {
                refuse(in, out, problem);
                return;
            }
            headRequests.add(HttpMethod.HEAD.equals(request.method()));
            out.add(request);
            chunkedBody();
            return;
        }
        headRequests.add(HttpMethod.HEAD.equals(request.method()));
        if (bodyless) {
            end(out, (FullHttpRequest) request);
        } else {
            out.add(request);
            fixedBody(fields.contentLength());
        }
    }

    /**
     * Judges the request line {@code b[0, lf]} against RFC 9112: {@code method SP request-target SP HTTP/d.d CRLF},
     * a token method, a target of visible ASCII, single spaces.
     *
     * @return what is wrong, or null
     */
    private static String checkRequestLine(byte[] b, int lf) {
        int cr = lf - 1;
        if (cr < 0 || b[cr] != '\r') {
            return "bare LF in request head";
        }
        int p = 0;
        while (isTchar(b[p] & 0xff)) {
            p++;
        }
        if (p == 0 || b[p] != ' ') {
            return "invalid method in request line";
        }
        int target = ++p;
        for (int c; (c = b[p] & 0xff) > ' ' && c < 0x7f; ) {
            p++;
        }
        if (p == target || b[p] != ' ') {
            return p < cr && (b[p] & 0xff) != ' ' ? "invalid character in request target" : "invalid request line";
        }
        p++;
        if (cr - p != 8 || b[p] != 'H' || b[p + 1] != 'T' || b[p + 2] != 'T' || b[p + 3] != 'P' || b[p + 4] != '/'
                || !isDigit(b[p + 5]) || b[p + 6] != '.' || !isDigit(b[p + 7])) {
            return "invalid HTTP version in request line";
        }
        return null;
    }

    /**
     * The request line {@code b[0, cr)}: {@code method SP target SP HTTP/d.d}, judged already. A request without a
     * body is one message, head and end together, so that it crosses the pipeline once.
     */
    private static HttpRequest request(byte[] b, int cr, HttpHeaders headers, boolean bodyless) {
        int sp1 = 0;
        while (b[sp1] != ' ') {
            sp1++;
        }
        int sp2 = cr - 9; // " HTTP/d.d"
        HttpMethod method = method(b, 0, sp1);
        String target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        int major = b[cr - 3] - '0';
        int minor = b[cr - 1] - '0';
        HttpVersion version = major == 1 && minor == 1 ? HttpVersion.HTTP_1_1
                : major == 1 && minor == 0 ? HttpVersion.HTTP_1_0
                : new HttpVersion("HTTP", major, minor, false);
        return bodyless
                ? new DefaultFullHttpRequest(version, method, target, Unpooled.EMPTY_BUFFER, headers,
                        EmptyHttpHeaders.INSTANCE)
                : new DefaultHttpRequest(version, method, target, headers);
    }

    private static HttpMethod method(byte[] b, int from, int length) {
        if (length == 3 && b[from] == 'G' && b[from + 1] == 'E' && b[from + 2] == 'T') {
            return HttpMethod.GET;
        }
        return HttpMethod.valueOf(new String(b, from, length, StandardCharsets.ISO_8859_1));
    }

    /** Over a length limit: a failed request for the guard to answer 414 or 431, and nothing more is decoded. */
    private void tooLong(ByteBuf in, List<Object> out, Exception cause) {
        fail(in);
        HttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request",
                Unpooled.EMPTY_BUFFER);
        invalid.setDecoderResult(DecoderResult.failure(cause));
        out.add(invalid);
    }

    private void refuse(ByteBuf in, List<Object> out, String problem) {
        fail(in);
        out.add(new MalformedRequest(problem));
    }

    /** A request refused before or while decoding; the connection gets 400 and closes. */
    record MalformedRequest(String reason) {
    }

    /**
     * A resumable scanner over the raw bytes of a chunked request body, run ahead of its decoding over everything
     * that has arrived: so a body already known to be malformed when its head is decoded withholds that head, and
     * a body that trickles in is judged like one that arrives whole. It keeps the count of bytes past the reader index
     * it has already judged, and is told how many bytes the decoder consumed.
     */
    static final class ChunkedBodyScanner {

        private enum State {
            /** Not scanning: no chunked body is under way. */
            OFF,
            SIZE_START, SIZE, SIZE_BWS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF,
            TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_VALUE_LF, BODY_END_LF, BODY_DONE
        }

        private State state = State.OFF;
        /** Bytes past the reader index already scanned. */
        private int ahead;
        private long chunkRemaining;
        private int extensionBytes;

        /** A chunked request head was decoded: the next bytes are its body. */
        void start() {
            state = State.SIZE_START;
            ahead = 0;
            extensionBytes = 0;
        }

        /** The body ended, or there is none: nothing to scan until the next chunked head. */
        void stop() {
            state = State.OFF;
            ahead = 0;
        }

        /** The decoder consumed {@code n} bytes from the reader index. */
        void consumed(int n) {
            ahead = Math.max(0, ahead - n);
        }

        /**
         * Scans the bytes that arrived since the last call.
         *
         * @return what is wrong, or null
         */
        String scan(ByteBuf in) {
            int base = in.readerIndex();
            int end = in.writerIndex();
            int p = base + ahead;
            while (p < end && state != State.OFF && state != State.BODY_DONE) {
                if (state == State.DATA) {
                    int n = (int) Math.min(chunkRemaining, end - p);
                    p += n;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                p = skipRun(in, p, end);
                if (p == end) {
                    break;
                }
                String problem = step(in.getByte(p) & 0xff);
                if (problem != null) {
                    return problem;
                }
                p++;
            }
            ahead = p - base;
            return null;
        }

        /**
         * Skips, from {@code p}, the bytes inside a trailer field's name or value, which leave the state as it is:
         * one table lookup each instead of a {@link #step}; the byte that ends the run goes through {@code step}.
         */
        private int skipRun(ByteBuf in, int p, int end) {
            if (state == State.TRAILER_VALUE) {
                while (p < end && isFieldByte(in.getByte(p) & 0xff)) {
                    p++;
                }
            } else if (state == State.TRAILER_NAME) {
                while (p < end && isTchar(in.getByte(p) & 0xff)) {
                    p++;
                }
            }
            return p;
        }

        private String step(int b) {
            if (b == 0) {
                return "NUL in chunked body framing";
            }
            if (b == '\n' && !expectsLf()) {
                return "bare LF in chunked body framing";
            }
            switch (state) {
                case SIZE_START:
                    if (hexValue(b) < 0) {
                        return "invalid chunk size";
                    }
                    state = State.SIZE;
                    chunkRemaining = 0;
                    return sizeDigit(b);
                case SIZE:
                    if (hexValue(b) >= 0) {
                        return sizeDigit(b);
                    }
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == ';') {
                        state = State.EXTENSION;
                    } else if (b == ' ' || b == '\t') {
                        state = State.SIZE_BWS;
                    } else {
                        return "invalid chunk size";
                    }
                    return null;
                case SIZE_BWS:
                    if (b == ';') {
                        state = State.EXTENSION;
                    } else if (b != ' ' && b != '\t') {
                        return "invalid chunk size";
                    }
                    return null;
                case EXTENSION:
                    if (b == '\r') {
                        state = State.SIZE_LF;
                        return null;
                    }
                    if (!isFieldByte(b)) {
                        return "control character in a chunk extension";
                    }
                    if (++extensionBytes > MAX_CHUNK_EXTENSION_BYTES) {
                        return "too many chunk extension bytes";
                    }
                    return null;
                case SIZE_LF:
                    if (b != '\n') {
                        return "chunk size line not ended by CRLF";
                    }
                    state = chunkRemaining == 0 ? State.TRAILER_START : State.DATA;
                    return null;
                case DATA_CR:
                    if (b != '\r') {
                        return "chunk data not followed by CRLF";
                    }
                    state = State.DATA_LF;
                    return null;
                case DATA_LF:
                    if (b != '\n') {
                        return "chunk data not followed by CRLF";
                    }
                    state = State.SIZE_START;
                    return null;
                case TRAILER_START:
                    if (b == '\r') {
                        state = State.BODY_END_LF;
                    } else if (isTchar(b)) {
                        state = State.TRAILER_NAME;
                    } else {
                        return "invalid trailer field";
                    }
                    return null;
                case TRAILER_NAME:
                    if (b == ':') {
                        state = State.TRAILER_VALUE;
                    } else if (!isTchar(b)) {
                        return "invalid trailer field";
                    }
                    return null;
                case TRAILER_VALUE:
                    if (b == '\r') {
                        state = State.TRAILER_VALUE_LF;
                    } else if (!isFieldByte(b)) {
                        return "control character in a trailer field";
                    }
                    return null;
                case TRAILER_VALUE_LF:
                    return expectLf(b, State.TRAILER_START);
                case BODY_END_LF:
                    return expectLf(b, State.BODY_DONE);
                default:
                    throw new IllegalStateException(state.name());
            }
        }

        private boolean expectsLf() {
            return state == State.SIZE_LF || state == State.DATA_LF || state == State.TRAILER_VALUE_LF
                    || state == State.BODY_END_LF;
        }

        private String expectLf(int b, State next) {
            if (b != '\n') {
                return "bare CR in chunked body framing";
            }
            state = next;
            return null;
        }

        private String sizeDigit(int b) {
            chunkRemaining = chunkRemaining * 16 + hexValue(b);
            return chunkRemaining > Integer.MAX_VALUE ? "chunk size overflow" : null;
        }
    }
}
