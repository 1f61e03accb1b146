package io.edgespot.proxy.server;

import static io.edgespot.proxy.http.Http1Grammar.hexValue;
import static io.edgespot.proxy.http.Http1Grammar.isFieldByte;
import static io.edgespot.proxy.http.Http1Grammar.isTchar;

import io.edgespot.proxy.http.OutboundPassThrough;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * An HTTP/1.1 request decoder that refuses every framing ambiguity a request-smuggling attack needs.
 *
 * <p>Netty's decoder, configured strictly, already rejects bare LF line ends, invalid header names, bad chunk
 * sizes and differing duplicate Content-Length values. In front of it this class runs its own scanner over the
 * raw bytes, so that nothing Netty would tolerate or normalise reaches the rest of the pipeline:
 * <ul>
 *   <li>each request head is checked against the RFC 9112 grammar before it is decoded: {@code method SP
 *       request-target SP HTTP/d.d CRLF}, field names that are tokens directly followed by {@code :}, field values
 *       without control characters, CRLF line ends only; so obs-fold continuation lines, a bare CR, a bare LF, NUL,
 *       whitespace before the colon, double spaces or a tab in the request line are refused (Netty would fold,
 *       split on any whitespace or keep them);</li>
 *   <li>a chunked body is checked the same way, ahead of Netty, over the bytes that have arrived: hexadecimal
 *       chunk sizes that fit in an int, chunk extensions without control characters and of bounded total size,
 *       CRLF after each chunk's data, well-formed trailer fields. When a request's head and a malformed body arrive
 *       together, the head is withheld, so the request is never forwarded;</li>
 *   <li>a request with both Content-Length and Transfer-Encoding is refused (RFC 9112 section 6.1 allows a server
 *       to process it; a proxy must not forward it);</li>
 *   <li>each request's method is remembered so that {@link HeadAwareResponseEncoder} frames HEAD answers right.</li>
 * </ul>
 * A refused request becomes a {@link MalformedRequest} message, and everything after it on the connection is
 * discarded: the connection is answered with 400 and closed by {@link RequestGuard}. Lengths are left to Netty's
 * own limits, so an over-long request line or header section still gets 414 or 431.
 */
final class StrictRequestDecoder extends HttpRequestDecoder implements OutboundPassThrough {

    /** Chunk-extension bytes one request may carry in all; chunk extensions have no use in a proxied request. */
    static final int MAX_CHUNK_EXTENSION_BYTES = 4096;

    /** Per request head decoded and not yet answered, whether it is a HEAD request. */
    private final ArrayDeque<Boolean> headRequests = new ArrayDeque<>();
    private final HeadAwareResponseEncoder encoder = new HeadAwareResponseEncoder(headRequests);
    private final Runnable headStarted;
    private final FramingScanner scanner = new FramingScanner();
    private boolean failed;

    /**
     * @param headStarted  run after a decode that leaves part of a request head buffered (the head clock's start)
     */
    StrictRequestDecoder(int maxInitialLine, int maxHeaderBytes, Runnable headStarted) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(64 * 1024)
                // The framing scanner has already checked every field name as a token and every value's bytes
                // (the checks Netty's validating headers repeat per name and value), before Netty sees the head.
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(false))
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setChunkedSupported(true)
                .setAllowPartialChunks(true));
        this.headStarted = headStarted;
    }

    /** Responses go out through the encoder this decoder holds, which frames HEAD answers by its queue. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        encoder.write(ctx, msg, promise);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // Everything that has arrived is checked before Netty decodes any of it.
        String problem = scanner.scan(in);
        if (problem != null) {
            fail(in, out, problem);
            return;
        }
        int readerBefore = in.readerIndex();
        int before = out.size();
        super.decode(ctx, in, out);
        scanner.consumed(in.readerIndex() - readerBefore);
        for (int i = before; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                if (request.decoderResult().isFailure()) {
                    failed = true;
                    break;
                }
                if (!(msg instanceof LastHttpContent) && HttpUtil.isTransferEncodingChunked(request)) {
                    // Netty decoded the head up to its empty line; the body that came with it is checked now, so
                    // that a head whose body is already known to be malformed is never passed on.
                    scanner.expectChunkedBody();
                    problem = scanner.scan(in);
                    if (problem != null) {
                        for (int j = out.size() - 1; j >= i; j--) {
                            ReferenceCountUtil.release(out.remove(j));
                        }
                        fail(in, out, problem);
                        return;
                    }
                } else {
                    scanner.expectCountedBody();
                }
                headRequests.add(request.method().equals(HttpMethod.HEAD));
            }
            if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
                failed = true;
                break;
            }
            if (msg instanceof LastHttpContent) {
                scanner.expectHead();
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (scanner.inHead()) {
            headStarted.run();
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
    }

    private void fail(ByteBuf in, List<Object> out, String problem) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new MalformedRequest(problem));
    }

    /** A request refused before or while decoding; the connection gets 400 and closes. */
    record MalformedRequest(String reason) {
    }

    /**
     * A resumable scanner over the raw request bytes. It keeps the count of bytes past the reader index it has
     * already checked, so a head or body trickled byte by byte is scanned once, and is told how many bytes the
     * decoder consumed after each decode call.
     */
    static final class FramingScanner {

        private enum State {
            /** Not scanning: a Content-Length body or a request without a body; Netty frames it by count. */
            OFF,
            // request head
            LEAD, LEAD_LF, METHOD, TARGET_START, TARGET, VERSION, REQUEST_LF,
            LINE_START, NAME, VALUE, VALUE_LF, HEAD_END_LF, HEAD_DONE,
            // chunked body
            SIZE_START, SIZE, SIZE_BWS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF,
            TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_VALUE_LF, BODY_END_LF, BODY_DONE
        }

        private static final byte[] HTTP_VERSION = "HTTP/d.d".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        private State state = State.LEAD;
        /** Bytes past the reader index already scanned. */
        private int ahead;
        private int versionPos;
        private long chunkRemaining;
        private int extensionBytes;

        /** The previous request ended: the next bytes start a request head. */
        void expectHead() {
            start(State.LEAD);
        }

        /** A chunked request head was decoded: the next bytes are its chunked body. */
        void expectChunkedBody() {
            start(State.SIZE_START);
            extensionBytes = 0;
        }

        /** A head with a Content-Length body, or none, was decoded: Netty counts the body off by length. */
        void expectCountedBody() {
            start(State.OFF);
        }

        private void start(State s) {
            state = s;
            ahead = 0;
        }

        /** Part of a request head has been scanned, and the head is not decoded yet. */
        boolean inHead() {
            return state.ordinal() > State.LEAD.ordinal() && state.ordinal() <= State.HEAD_DONE.ordinal();
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
            while (p < end && state != State.OFF && state != State.HEAD_DONE && state != State.BODY_DONE) {
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
         * Skips, from {@code p}, the bytes that would leave the state as it is: the inside of a method, target, field
         * name or value, which is most of a head. One table lookup each instead of a {@link #step}; the byte that
         * ends the run goes through {@code step}.
         */
        private int skipRun(ByteBuf in, int p, int end) {
            switch (state) {
                case VALUE, TRAILER_VALUE -> {
                    while (p < end && isFieldByte(in.getByte(p) & 0xff)) {
                        p++;
                    }
                }
                case METHOD, NAME, TRAILER_NAME -> {
                    while (p < end && isTchar(in.getByte(p) & 0xff)) {
                        p++;
                    }
                }
                case TARGET -> {
                    for (int b; p < end && (b = in.getByte(p) & 0xff) > ' ' && b < 0x7f; ) {
                        p++;
                    }
                }
                default -> {
                }
            }
            return p;
        }

        private String step(int b) {
            boolean inBody = state.ordinal() >= State.SIZE_START.ordinal();
            if (b == 0) {
                return inBody ? "NUL in chunked body framing" : "NUL in request head";
            }
            if (b == '\n' && !expectsLf()) {
                return inBody ? "bare LF in chunked body framing" : "bare LF in request head";
            }
            switch (state) {
                case LEAD:
                    if (b == '\r') {
                        state = State.LEAD_LF; // RFC 9112 section 2.2: empty lines before the request line
                    } else if (isTchar(b)) {
                        state = State.METHOD;
                    } else {
                        return "invalid request line";
                    }
                    return null;
                case LEAD_LF:
                    return expectLf(b, State.LEAD);
                case METHOD:
                    if (b == ' ') {
                        state = State.TARGET_START;
                    } else if (!isTchar(b)) {
                        return "invalid method in request line";
                    }
                    return null;
                case TARGET_START:
                    if (b <= ' ' || b >= 0x7f) {
                        return "invalid request line";
                    }
                    state = State.TARGET;
                    return null;
                case TARGET:
                    if (b == ' ') {
                        state = State.VERSION;
                        versionPos = 0;
                    } else if (b < ' ' || b >= 0x7f) {
                        return "invalid character in request target";
                    }
                    return null;
                case VERSION:
                    if (versionPos == HTTP_VERSION.length) {
                        if (b != '\r') {
                            return "invalid HTTP version in request line";
                        }
                        state = State.REQUEST_LF;
                        return null;
                    }
                    byte want = HTTP_VERSION[versionPos++];
                    boolean ok = want == 'd' ? b >= '0' && b <= '9' : b == want;
                    return ok ? null : "invalid HTTP version in request line";
                case REQUEST_LF:
                case VALUE_LF:
                    return expectLf(b, State.LINE_START);
                case LINE_START:
                    if (b == '\r') {
                        state = State.HEAD_END_LF;
                    } else if (b == ' ' || b == '\t') {
                        return "obs-fold or whitespace at the start of a header line";
                    } else if (isTchar(b)) {
                        state = State.NAME;
                    } else {
                        return "invalid header name";
                    }
                    return null;
                case NAME:
                    if (b == ':') {
                        state = State.VALUE;
                    } else if (!isTchar(b)) {
                        return "invalid header name";
                    }
                    return null;
                case VALUE:
                    if (b == '\r') {
                        state = State.VALUE_LF;
                    } else if (!isFieldByte(b)) {
                        return "control character in a header value";
                    }
                    return null;
                case HEAD_END_LF:
                    return expectLf(b, State.HEAD_DONE);
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
            switch (state) {
                case LEAD_LF, REQUEST_LF, VALUE_LF, HEAD_END_LF, SIZE_LF, DATA_LF, TRAILER_VALUE_LF, BODY_END_LF:
                    return true;
                default:
                    return false;
            }
        }

        private String expectLf(int b, State next) {
            if (b != '\n') {
                return state.ordinal() >= State.SIZE_START.ordinal() ? "bare CR in chunked body framing"
                        : "bare CR in request head";
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
