package io.edgespot.proxy.http;

import static io.edgespot.proxy.http.Http1Grammar.equalsIgnoreCase;
import static io.edgespot.proxy.http.Http1Grammar.skipFieldBytes;
import static io.edgespot.proxy.http.Http1Grammar.isTchar;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * The field lines of an HTTP/1.1 head or trailer section, checked against the RFC 9112 grammar in one pass, and
 * what the framing needs to know of them. Refused: a field name that is not a token directly followed by
 * {@code :}, obs-fold (RFC 9112 section 5.2 lets a recipient refuse it), a control character in a value (NUL, a bare
 * CR), line ends other than CRLF; more than one Content-Length field, or a value that is not one decimal number (a
 * list of equal values included: forwarding it would need a rewrite); a Transfer-Encoding other than exactly
 * {@code chunked}, or beside a Content-Length (RFC 9112 section 6.3 calls it an error to be handled as one).
 */
public final class FieldSection {
    private long contentLength = -1;
    private boolean chunked;

    /** The Content-Length of a head section, or -1 without one. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether a head section's Transfer-Encoding is {@code chunked} (the only coding accepted). */
    public boolean chunked() {
        return chunked;
    }

    /**
     * Parses field lines from {@code p} up to and including the empty line that ends {@code b}, into
     * {@code into}; each field is kept as its place in {@code b}, which must not change afterwards. In a trailer
     * section ({@code head} false) the framing fields are dropped, as RFC 9110 section 6.5.1 allows.
     *
     * @return what is wrong with the section, or null
     */
    public String parse(byte[] b, int p, FieldList into, boolean head) {
        while (true) {
            int c = b[p] & 0xff;
            if (c == '\r') {
                if (b[p + 1] != '\n') {
                    return "bare CR in a field line";
                }
                return chunked && contentLength >= 0 ? "both Content-Length and Transfer-Encoding" : null;
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
            p = skipFieldBytes(b, p);
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
            int framing = framingField(b, nameStart, nameEnd - nameStart);
            if (framing != NOT_FRAMING) {
                if (!head) {
                    continue;
                }
                String problem = framing(framing, b, valueStart, valueEnd);
                if (problem != null) {
                    return problem;
                }
            }
            into.addLine(b, nameStart, nameEnd, valueStart, valueEnd);
        }
    }

    private static final int NOT_FRAMING = 0;
    private static final int CONTENT_LENGTH = 1;
    private static final int TRANSFER_ENCODING = 2;
    private static final int TRAILER = 3;

    /** Which framing field the name at {@code b[start]} is, or {@link #NOT_FRAMING}. */
    private static int framingField(byte[] b, int start, int length) {
        return switch (length) {
            case 14 -> equalsIgnoreCase(b, start, HttpHeaderNames.CONTENT_LENGTH) ? CONTENT_LENGTH : NOT_FRAMING;
            case 17 -> equalsIgnoreCase(b, start, HttpHeaderNames.TRANSFER_ENCODING) ? TRANSFER_ENCODING : NOT_FRAMING;
            case 7 -> equalsIgnoreCase(b, start, HttpHeaderNames.TRAILER) ? TRAILER : NOT_FRAMING;
            default -> NOT_FRAMING;
        };
    }

    private String framing(int field, byte[] b, int valueStart, int valueEnd) {
        if (field == TRAILER) {
            return null; // kept in a head
        }
        int len = valueEnd - valueStart;
        if (field == TRANSFER_ENCODING) {
            if (chunked) {
                return "more than one Transfer-Encoding field";
            }
            if (len != 7 || !equalsIgnoreCase(b, valueStart, HttpHeaderValues.CHUNKED)) {
                return "Transfer-Encoding other than chunked";
            }
            chunked = true;
            return null;
        }
        if (contentLength >= 0) {
            return "more than one Content-Length field";
        }
        if (len == 0 || len > 18) {
            return "invalid Content-Length";
        }
        long v = 0;
        for (int i = valueStart; i < valueEnd; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return "invalid Content-Length";
            }
            v = v * 10 + (c - '0');
        }
        contentLength = v;
        return null;
    }
}
