package io.edgespot.proxy.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.Queue;

/**
 * Encodes the requests of an upstream HTTP/1.1 connection, and notes each one for the response decoder, which
 * frames a response by its request (a HEAD's answer has no body). The request target goes out as given; an empty
 * one as {@code /}, an absolute one without a path with {@code /} added (what Netty's {@code HttpRequestEncoder}
 * does); a character beyond ASCII in it as UTF-8.
 */
public final class RequestEncoder extends Http1Encoder<HttpRequest> {

    private final Queue<HttpRequest> sent;

    /** @param sent receives each request head as it is encoded */
    public RequestEncoder(Queue<HttpRequest> sent) {
        super(HttpRequest.class);
        this.sent = sent;
    }

    @Override
    protected int startLineLength(HttpRequest m) {
        String uri = m.uri();
        int target = isPlain(uri) ? uri.length() : target(uri).length;
        return m.method().asciiName().length() + 1 + target + 1 + m.protocolVersion().text().length();
    }

    @Override
    protected int writeStartLine(HttpRequest m, byte[] a, int p) {
        p = writeAscii(m.method().asciiName(), a, p);
        a[p++] = ' ';
        String uri = m.uri();
        if (isPlain(uri)) {
            p = writeAscii(uri, a, p);
        } else {
            byte[] target = target(uri);
            System.arraycopy(target, 0, a, p, target.length);
            p += target.length;
        }
        a[p++] = ' ';
        return writeAscii(m.protocolVersion().text(), a, p);
    }

    @Override
    protected Framing framing(HttpRequest m) {
        sent.add(m);
        return HttpUtil.isTransferEncodingChunked(m) ? Framing.CHUNKED : Framing.AS_IS;
    }

    /** An origin-form target in ASCII (the usual case): its characters are its bytes. */
    private static boolean isPlain(String uri) {
        if (uri.isEmpty() || uri.charAt(0) != '/') {
            return false;
        }
        for (int i = 1; i < uri.length(); i++) {
            if (uri.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The request target's bytes. */
    private static byte[] target(String uri) {
        if (uri.isEmpty()) {
            return SLASH;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.charAt(0) != '/') {
            int authority = scheme + 3;
            int query = uri.indexOf('?', authority);
            int path = uri.indexOf('/', authority);
            if (path < 0 || query >= 0 && path > query) {
                int at = query < 0 ? uri.length() : query;
                uri = uri.substring(0, at) + '/' + uri.substring(at);
            }
        }
        return uri.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] SLASH = {'/'};
}
