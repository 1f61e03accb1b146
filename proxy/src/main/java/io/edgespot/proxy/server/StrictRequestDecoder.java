package io.edgespot.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * An HTTP/1.1 request decoder that refuses every framing ambiguity a request-smuggling attack needs.
 *
 * <p>Netty's decoder, configured strictly, already rejects bare LF line ends, invalid header names, bad chunk
 * sizes and differing duplicate Content-Length values. On top of it this class:
 * <ul>
 *   <li>scans each request head before decoding it, and refuses obs-fold continuation lines, a bare CR and NUL
 *       (Netty would fold or keep them); the scan carries its state from one read to the next, so a head that
 *       trickles in byte by byte is judged exactly like one that arrives whole;</li>
 *   <li>refuses a request with both Content-Length and Transfer-Encoding (RFC 9112 section 6.1 allows a server to
 *       process it; a proxy must not forward it);</li>
 *   <li>remembers each request's method so that {@link HeadAwareResponseEncoder} frames HEAD answers right.</li>
 * </ul>
 * A refused request becomes a {@link MalformedRequest} message, and everything after it on the connection is
 * discarded: the connection is answered with 400 and closed by {@link RequestGuard}.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private final ArrayDeque<Boolean> headRequests;
    /** Whether the bytes at the reader index belong to a request head (rather than a body). */
    private boolean atHead = true;
    /**
     * Bytes at the reader index already scanned, so that a trickled head is scanned once. Netty consumes each
     * complete line as it arrives, so this shrinks by what it consumed.
     */
    private int scanned;
    // The scanner's state between reads, so that a line split across reads is judged like a whole one.
    /** No request-line byte yet: leading CRLFs (RFC 9112 section 2.2) and whitespace are still being skipped. */
    private boolean beforeRequestLine = true;
    /** The current line has no byte yet (a space or tab here is obs-fold; CRLF here ends the head). */
    private boolean lineEmpty = true;
    /** The last byte scanned was a CR, so the next one must be LF. */
    private boolean lastCr;
    /** The empty line that ends the head was scanned; what follows is body or the next request. */
    private boolean headEnded;
    private boolean failed;

    StrictRequestDecoder(int maxInitialLine, int maxHeaderBytes, ArrayDeque<Boolean> headRequests) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(16 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setChunkedSupported(true)
                .setAllowPartialChunks(true));
        this.headRequests = headRequests;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (atHead) {
            String problem = scanHead(in);
            if (problem != null) {
                fail(in, out, problem);
                return;
            }
        }
        int before = out.size();
        int readerBefore = in.readerIndex();
        super.decode(ctx, in, out);
        scanned = Math.max(0, scanned - (in.readerIndex() - readerBefore));
        for (int i = before; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                if (request.decoderResult().isFailure()) {
                    failed = true;
                } else {
                    headRequests.add(request.method().equals(io.netty.handler.codec.http.HttpMethod.HEAD));
                }
                atHead = false;
            }
            if (msg instanceof LastHttpContent) {
                atHead = true;
                resetScanner();
            }
            if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
                failed = true;
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
    }

    /**
     * Scans the bytes of the request head that arrived since the last scan, up to its empty line.
     *
     * @return what is wrong with it, or null
     */
    private String scanHead(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int p = start + scanned;
        for (; p < end && !headEnded; p++) {
            String problem = scan(in.getByte(p));
            if (problem != null) {
                return problem;
            }
        }
        scanned = p - start;
        return null;
    }

    private String scan(byte b) {
        if (b == 0) {
            return "NUL in request head";
        }
        if (lastCr) {
            lastCr = false;
            if (b != '\n') {
                return "bare CR in request head";
            }
            lineEnd();
            return null;
        }
        if (b == '\r') {
            lastCr = true;
        } else if (b == '\n') {
            lineEnd(); // a bare LF: Netty's strict line parsing refuses it
        } else if (beforeRequestLine) {
            // Netty skips CR and LF before the request line; whitespace there is left to its request-line parser.
            if (b != ' ' && b != '\t') {
                beforeRequestLine = false;
                lineEmpty = false;
            }
        } else if (lineEmpty && (b == ' ' || b == '\t')) {
            return "obs-fold in request head";
        } else {
            lineEmpty = false;
        }
        return null;
    }

    private void lineEnd() {
        if (beforeRequestLine) {
            return;
        }
        if (lineEmpty) {
            headEnded = true;
        }
        lineEmpty = true;
    }

    private void resetScanner() {
        scanned = 0;
        beforeRequestLine = true;
        lineEmpty = true;
        lastCr = false;
        headEnded = false;
    }

    private void fail(ByteBuf in, List<Object> out, String problem) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new MalformedRequest(problem));
    }

    /** A request refused before or while decoding; the connection gets 400 and closes. */
    record MalformedRequest(String reason) {
    }
}
