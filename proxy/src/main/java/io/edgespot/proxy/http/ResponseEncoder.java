package io.edgespot.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Queue;

/**
 * Encodes the responses of a downstream HTTP/1.1 connection. It knows which requests were HEADs, so the answer
 * to one gets no body framing even with {@code Transfer-Encoding: chunked}; a 1xx, 204, 205 or 304 gets none either,
 * and its framing fields are fixed as RFC 9110 section 8.6 and RFC 9112 section 6.1 want (what Netty's
 * {@code HttpResponseEncoder} does).
 */
public final class ResponseEncoder extends Http1Encoder<HttpResponse> {

    private final Queue<Boolean> headRequests;

    /** @param headRequests for each request whose final response is not written yet, in order: whether a HEAD */
    public ResponseEncoder(Queue<Boolean> headRequests) {
        super(HttpResponse.class);
        this.headRequests = headRequests;
    }

    @Override
    protected int startLineLength(HttpResponse m) {
        return m.protocolVersion().text().length() + 5 + m.status().reasonPhrase().length();
    }

    @Override
    protected int writeStartLine(HttpResponse m, byte[] a, int p) {
        p = writeAscii(m.protocolVersion().text(), a, p);
        int code = m.status().code();
        a[p] = ' ';
        a[p + 1] = (byte) ('0' + code / 100);
        a[p + 2] = (byte) ('0' + code / 10 % 10);
        a[p + 3] = (byte) ('0' + code % 10);
        a[p + 4] = ' ';
        return writeAscii(m.status().reasonPhrase(), a, p + 5);
    }

    @Override
    protected Framing framing(HttpResponse m) {
        int code = m.status().code();
        HttpHeaders h = m.headers();
        boolean interim = code >= 100 && code < 200;
        boolean empty;
        if (interim && code != 101) {
            empty = true; // an interim response answers no request yet: the queue stays
        } else {
            Boolean head = headRequests.poll();
            empty = head != null && head || (code == 101 ? h.contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION)
                    : code == 204 || code == 205 || code == 304);
        }
        if (!empty) {
            return HttpUtil.isTransferEncodingChunked(m) ? Framing.CHUNKED : Framing.AS_IS;
        }
        if (interim || code == 204) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        } else if (code == 205) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return Framing.NONE;
    }
}
