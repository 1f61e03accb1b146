package io.edgespot.proxy.http;

import static io.edgespot.proxy.http.Http1Grammar.hexValue;
import static io.edgespot.proxy.http.Http1Grammar.isFieldByte;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * What edgespot's HTTP/1.1 decoders share: the search for the end of a head, and the bodies (counted, chunked, up
 * to the close) with their strict framing. A subclass decodes heads and says how the body after each is framed;
 * it holds its connection's encoder ({@link OutboundPassThrough}).
 *
 * <p>Bodies come out as {@code HttpContent} pieces (slices of the read buffers), the last a {@link LastHttpContent}
 * carrying any trailer fields. Refused in a chunked body, with a {@code LastHttpContent} whose decoder result is the
 * failure, after which every byte is discarded: a chunk size that is not hexadecimal or exceeds an int, a control
 * character in a chunk extension or a size line longer than {@link #MAX_CHUNK_LINE}, chunk data not followed by
 * CRLF, a trailer section that {@link FieldSection} refuses or that is larger than the bound.
 */
public abstract class Http1Decoder extends ByteToMessageDecoder implements OutboundPassThrough {

    /** The longest chunk-size line, extensions included. */
    public static final int MAX_CHUNK_LINE = 4096;

    /** Where the decoder is in the message stream. */
    protected enum State { HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UPGRADED, FAILED }

    private final int maxSectionBytes;
    private State state = State.HEAD;
    /** Body bytes left: of a Content-Length body, or of the current chunk. */
    private long remaining;
    /** Bytes past the reader index already searched for the end of a head or trailer section. */
    private int searched;
    /** Where the line being searched starts, past the reader index. */
    private int lineStart;

    /** @param maxSectionBytes the bound of a trailer section, and of a head as the subclass counts it */
    protected Http1Decoder(int maxSectionBytes) {
        this.maxSectionBytes = maxSectionBytes;
    }

    protected final int maxSectionBytes() {
        return maxSectionBytes;
    }

    protected final State state() {
        return state;
    }

    /** Decodes a head once it has arrived whole; called in {@link State#HEAD}. */
    protected abstract void decodeHead(ByteBuf in, List<Object> out);

    /** {@code n} bytes of a body or its chunk framing were consumed from the reader index. */
    protected void consumed(int n) {
    }

    /** A message's last content was emitted; the next bytes start a head. */
    protected void messageEnded() {
    }

    /** The body after the head just emitted has {@code length} bytes, more than zero. */
    protected final void fixedBody(long length) {
        state = State.FIXED;
        remaining = length;
    }

    /** The body after the head just emitted is chunked. */
    protected final void chunkedBody() {
        state = State.CHUNK_SIZE;
    }

    /** The body after the head just emitted ends with the connection. */
    protected final void bodyUntilClose() {
        state = State.UNTIL_CLOSE;
    }

    /** The connection left HTTP: every later byte is passed on as it is. */
    protected final void upgraded() {
        state = State.UPGRADED;
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
                    consumed(n);
                    if (remaining == 0) {
                        end(out, new DefaultLastHttpContent(piece, EmptyHttpHeaders.INSTANCE)); // no trailers here
                    } else {
                        out.add(new DefaultHttpContent(piece));
                    }
                }
            }
            case UNTIL_CLOSE, UPGRADED -> {
                if (in.isReadable()) {
                    ByteBuf rest = in.readRetainedSlice(in.readableBytes());
                    out.add(state == State.UPGRADED ? rest : new DefaultHttpContent(rest));
                }
            }
            case CHUNK_SIZE -> decodeChunkSize(in, out);
            case CHUNK_DATA -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                if (n > 0) {
                    remaining -= n;
                    out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
                    consumed(n);
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
                        consumed(2);
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
            end(out, LastHttpContent.EMPTY_LAST_CONTENT); // the close is this body's end
        }
    }

    /** Emits the last content of a message; the next bytes start a head. */
    protected final void end(List<Object> out, LastHttpContent last) {
        state = State.HEAD;
        out.add(last);
        messageEnded();
    }

    /**
     * Finds the end of a head or trailer section (the index just past its empty line), searching only the bytes
     * that arrived since the last call; -1 while it has not arrived.
     */
    protected final int sectionEnd(ByteBuf in) {
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
        consumed(lf + 1 - base);
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
            consumed(2);
            end(out, LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        int end = sectionEnd(in);
        if (end < 0 || end - in.readerIndex() > maxSectionBytes) {
            if (in.readableBytes() > maxSectionBytes) {
                failBody(in, out, "trailer section larger than " + maxSectionBytes + " bytes");
            }
            return;
        }
        int n = end - in.readerIndex();
        byte[] b = new byte[n];
        in.readBytes(b);
        consumed(n);
        FieldList trailers = new FieldList();
        String problem = new FieldSection().parse(b, 0, trailers, false);
        if (problem != null) {
            failBody(in, out, problem);
            return;
        }
        end(out, new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }

    // ------------------------------------------------------------------ faults

    /** Refuses the body under way: a failed last content, and everything after it discarded. */
    protected final void failBody(ByteBuf in, List<Object> out, String problem) {
        fail(in);
        LastHttpContent invalid = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, FieldList.FACTORY);
        invalid.setDecoderResult(DecoderResult.failure(new MalformedMessageException(problem)));
        out.add(invalid);
    }

    /** Discards what has arrived and everything that follows. */
    protected final void fail(ByteBuf in) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
    }

    /** What is wrong with a message; no stack trace: it is an answer, not a bug. */
    public static final class MalformedMessageException extends Exception {
        public MalformedMessageException(String problem) {
            super(problem, null, false, false);
        }
    }
}
