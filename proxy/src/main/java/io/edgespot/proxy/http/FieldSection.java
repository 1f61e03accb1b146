package io.edgespot.proxy.http;

import static io.edgespot.proxy.http.Http1Grammar.skipFieldBytes;
import static io.edgespot.proxy.http.Http1Grammar.isTchar;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

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
     * {@code into}; names and values are views of {@code b}, which must not change afterwards. In a trailer
     * section ({@code head} false) the framing fields are dropped, as RFC 9110 section 6.5.1 allows.
     *
     * @return what is wrong with the section, or null
     */
    public String parse(byte[] b, int p, HttpHeaders into, boolean head) {
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
