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
 *       (Netty would fold or keep them);</li>
 *   <li>refuses a request with both Content-Length and Transfer-Encoding (RFC 9112 section 6.1 allows a server to
 *       process it; a proxy must not forward it);</li>
 *   <li>remembers each request's method so that {@link HeadAwareResponseEncoder} frames HEAD answers right.</li>
 * </ul>
 * A refused request becomes a {@link MalformedRequest} message, and everything after it on the connection is
 * discarded: the connection is answered with 400 and closed by {@link RequestGuard}.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    private final ArrayDeque<Boolean> headRequests;
    /** Whether the next byte decoded starts a new request head. */
    private boolean atHead = true;
    /** Bytes of the current head already scanned, so a trickled head is scanned once. */
    private int scanned;
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
        super.decode(ctx, in, out);
        for (int i = before; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                if (request.decoderResult().isFailure()) {
                    failed = true;
                } else {
                    headRequests.add(request.method().equals(io.netty.handler.codec.http.HttpMethod.HEAD));
                }
                atHead = false;
                scanned = 0;
            }
            if (msg instanceof LastHttpContent) {
                atHead = true;
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
     * Scans the request head at the reader index, up to its empty line or the end of what has arrived.
     *
     * @return what is wrong with it, or null
     */
    private String scanHead(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start;
        // RFC 9112 section 2.2: empty lines before the request line are ignored; Netty skips them too.
        while (i + 1 < end && in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
            i += 2;
        }
        int from = Math.max(i, start + scanned);
        for (int p = from; p < end; p++) {
            byte b = in.getByte(p);
            if (b == 0) {
                return "NUL in request head";
            }
            if (b == '\r') {
                if (p + 1 >= end) {
                    scanned = p - start;
                    return null;
                }
                if (in.getByte(p + 1) != '\n') {
                    return "bare CR in request head";
                }
            } else if (b == '\n') {
                if (p + 1 >= end) {
                    scanned = p - start;
                    return null;
                }
                byte next = in.getByte(p + 1);
                if (next == ' ' || next == '\t') {
                    return "obs-fold in request head";
                }
                if (next == '\r' || next == '\n') {
                    return null; // end of head: the rest is body or the next request
                }
            }
        }
        scanned = end - start;
        return null;
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
