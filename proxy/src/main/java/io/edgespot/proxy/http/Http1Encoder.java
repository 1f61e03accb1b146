package io.edgespot.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes the HTTP/1.1 messages of one connection, one direction; the byte-for-byte output of Netty's
 * {@code HttpObjectEncoder} for the same messages, with fewer buffers and fewer passes over each head.
 *
 * <p>A head is measured first and then written once, into one buffer of exactly its size: the field lines of a
 * {@link FieldList} that a decoder filled go over as runs of its bytes ({@code FieldList.writeLines}), names and
 * values that are {@link AsciiString}s with one array copy each, others one byte per character (a character above
 * 0xFF becomes {@code ?}, as Netty's encoder writes it). A body of at most {@link #COPY_BODY_BYTES}
 * that comes with its head (a whole message), or a chunk that small, is copied into the same buffer with its framing,
 * so a small response is one buffer and one write: a second buffer would cost an outbound entry, an I/O vector and a
 * release, more than copying a few KiB. A larger body is passed on as it is, in the same write.
 *
 * <p>Framing follows the subclass's {@link #framing}: a counted body (or none) goes out as it is, a chunked one in
 * chunks with its trailer section at the end, and a body that the message must not have (the answer to a HEAD, a
 * 204 or 304) is dropped. A {@code ByteBuf} inside a body is a piece of it; between messages only an empty one is
 * taken (a write made for its promise), as Netty's encoder does.
 * Only the last buffer of a write carries its promise; the others are written with the void promise, whose failure
 * reaches the pipeline as an exception, as every write after the first failed one fails too.
 */
public abstract class Http1Encoder<M extends HttpMessage> {

    /** The largest body or chunk that is copied into the buffer of its head or chunk framing. */
    public static final int COPY_BODY_BYTES = 2048;

    /** How the body of the message just written is framed. */
    protected enum Framing {
        /** As it is: a Content-Length body, or a body up to the close. */
        AS_IS,
        /** In chunks. */
        CHUNKED,
        /** Not at all: the message has no body, whatever is written for it. */
        NONE
    }

    /** CR LF as one {@code writeShort}. */
    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Class<M> type;
    /** The framing of the body being written, or null between messages. */
    private Framing body;

    protected Http1Encoder(Class<M> type) {
        this.type = type;
    }

    /** The length in bytes of the start line of {@code m}, without its CRLF. */
    protected abstract int startLineLength(M m);

    /** Writes the start line of {@code m} without its CRLF at {@code a[p]}; returns the index after it. */
    protected abstract int writeStartLine(M m, byte[] a, int p);

    /** Decides how the body of {@code m} is framed, and may fix its framing fields to match; called once per head. */
    protected abstract Framing framing(M m);

    /** Encodes {@code msg} and writes what it becomes to {@code ctx}; the outbound side of the handler holding this. */
    public final void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (type.isInstance(msg)) {
            if (body != null) {
                refuse(msg, promise, "a message head inside a body");
                return;
            }
            head(ctx, type.cast(msg), promise);
        } else if (msg instanceof HttpContent content && !(msg instanceof HttpMessage)) {
            if (body == null) {
                refuse(msg, promise, "a message body without a head");
                return;
            }
            boolean last = content instanceof LastHttpContent;
            content(ctx, content.content(), last ? ((LastHttpContent) content).trailingHeaders() : null, promise);
        } else if (msg instanceof ByteBuf bytes) {
            if (body != null) {
                content(ctx, bytes, null, promise); // a piece of the body, as Netty's encoder takes it
            } else if (!bytes.isReadable()) {
                ctx.write(bytes, promise); // an empty write, for its promise
            } else {
                refuse(msg, promise, "bytes outside a message");
            }
        } else {
            refuse(msg, promise, "unexpected message " + msg.getClass().getSimpleName());
        }
    }

    private static void refuse(Object msg, ChannelPromise promise, String problem) {
        ReferenceCountUtil.release(msg);
        promise.setFailure(new IllegalStateException(problem));
    }

    private void head(ChannelHandlerContext ctx, M m, ChannelPromise promise) {
        Framing framing = framing(m);
        int headBytes = startLineLength(m) + 2 + fieldsLength(m.headers()) + 2;
        if (!(m instanceof LastHttpContent whole)) {
            body = framing;
            ctx.write(head(ctx, m, headBytes, 0), promise);
            return;
        }
        // a whole message: head, body and end in one write; the message's one reference is its content's
        ByteBuf content = whole.content();
        int n = content.readableBytes();
        if (framing == Framing.NONE || n == 0 && framing == Framing.AS_IS) {
            content.release();
            ctx.write(head(ctx, m, headBytes, 0), promise);
        } else if (framing == Framing.AS_IS && n <= COPY_BODY_BYTES) {
            ByteBuf out = head(ctx, m, headBytes, n);
            out.writeBytes(content);
            content.release();
            ctx.write(out, promise);
        } else {
            ctx.write(head(ctx, m, headBytes, 0), ctx.voidPromise());
            if (framing == Framing.AS_IS) {
                ctx.write(content, promise);
            } else {
                chunk(ctx, content, n, whole.trailingHeaders(), promise);
            }
        }
    }

    /** A buffer holding the head of {@code m} ({@code headBytes}), with room for {@code room} bytes after it. */
    private ByteBuf head(ChannelHandlerContext ctx, M m, int headBytes, int room) {
        ByteBuf out = ctx.alloc().buffer(headBytes + room);
        writeHead(m, headBytes, out);
        return out;
    }

    /** A piece of the body, the last when {@code trailers} is not null (empty for none). */
    private void content(ChannelHandlerContext ctx, ByteBuf data, HttpHeaders trailers, ChannelPromise promise) {
        Framing framing = body;
        if (trailers != null) {
            body = null;
        }
        int n = data.readableBytes();
        if (framing == Framing.CHUNKED) {
            chunk(ctx, data, n, trailers, promise);
        } else if (framing == Framing.AS_IS && n > 0) {
            ctx.write(data, promise); // trailer fields of a counted body have no place to go: dropped
        } else {
            data.release();
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
        }
    }

    /**
     * Writes {@code n} bytes of {@code data} as one chunk (none when empty), and after it the last chunk and the
     * trailer section when {@code trailers} is not null.
     */
    private static void chunk(ChannelHandlerContext ctx, ByteBuf data, int n, HttpHeaders trailers,
                              ChannelPromise promise) {
        int sizeLine = n == 0 ? 0 : hexDigits(n) + 2;
        int end = trailers == null ? 0 : 3 + fieldsLength(trailers) + 2;
        if (n == 0) {
            data.release();
            if (trailers == null) {
                ctx.write(Unpooled.EMPTY_BUFFER, promise); // an empty chunk would end the body
                return;
            }
            ByteBuf out = ctx.alloc().buffer(end);
            writeEnd(trailers, end, out);
            ctx.write(out, promise);
            return;
        }
        if (n <= COPY_BODY_BYTES) {
            ByteBuf out = ctx.alloc().buffer(sizeLine + n + 2 + end);
            writeSizeLine(n, out);
            out.writeBytes(data);
            data.release();
            out.writeShort(CRLF);
            if (trailers != null) {
                writeEnd(trailers, end, out);
            }
            ctx.write(out, promise);
            return;
        }
        ByteBuf line = ctx.alloc().buffer(sizeLine);
        writeSizeLine(n, line);
        ctx.write(line, ctx.voidPromise());
        ctx.write(data, ctx.voidPromise());
        ByteBuf tail = ctx.alloc().buffer(2 + end);
        tail.writeShort(CRLF);
        if (trailers != null) {
            writeEnd(trailers, end, tail);
        }
        ctx.write(tail, promise);
    }

    private static int hexDigits(int n) {
        return (32 - Integer.numberOfLeadingZeros(n) + 3) / 4;
    }

    private static void writeSizeLine(int n, ByteBuf out) {
        for (int shift = (hexDigits(n) - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(n >>> shift) & 0xf]);
        }
        out.writeShort(CRLF);
    }

    /** The last chunk and the trailer section: {@code 0 CRLF}, the fields, CRLF; {@code length} bytes. */
    private static void writeEnd(HttpHeaders trailers, int length, ByteBuf out) {
        byte[] a = new byte[length];
        a[0] = '0';
        a[1] = '\r';
        a[2] = '\n';
        int p = writeFields(trailers, a, 3);
        a[p] = '\r';
        a[p + 1] = '\n';
        out.writeBytes(a);
    }

    private void writeHead(M m, int length, ByteBuf out) {
        byte[] a = new byte[length];
        int p = writeStartLine(m, a, 0);
        a[p] = '\r';
        a[p + 1] = '\n';
        p = writeFields(m.headers(), a, p + 2);
        a[p] = '\r';
        a[p + 1] = '\n';
        out.writeBytes(a);
    }

    /** The bytes of the field lines of {@code headers}: {@code name: value CRLF} each. */
    private static int fieldsLength(HttpHeaders headers) {
        if (headers instanceof FieldList list) {
            return list.linesLength();
        }
        int n = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            n += e.getKey().length() + e.getValue().length() + 4;
        }
        return n;
    }

    private static int writeFields(HttpHeaders headers, byte[] a, int p) {
        if (headers instanceof FieldList list) {
            return list.writeLines(a, p);
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            p = writeLine(e.getKey(), e.getValue(), a, p);
        }
        return p;
    }

    /** Writes the field line {@code name: value CRLF} at {@code a[p]}; returns the index after it. */
    static int writeLine(CharSequence name, CharSequence value, byte[] a, int p) {
        p = writeAscii(name, a, p);
        a[p++] = ':';
        a[p++] = ' ';
        p = writeAscii(value, a, p);
        a[p++] = '\r';
        a[p++] = '\n';
        return p;
    }

    /** Writes {@code s} at {@code a[p]}, a character above 0xFF as {@code ?}; returns the index after it. */
    protected static int writeAscii(CharSequence s, byte[] a, int p) {
        int n = s.length();
        if (s instanceof AsciiString ascii) {
            System.arraycopy(ascii.array(), ascii.arrayOffset(), a, p, n);
            return p + n;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            a[p + i] = c > 0xff ? (byte) '?' : (byte) c;
        }
        return p + n;
    }
}
