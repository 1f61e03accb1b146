package io.edgespot.proxy.server;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.ArrayDeque;

/**
 * A response encoder that knows which responses answer HEAD requests, so that a HEAD response with
 * {@code Transfer-Encoding: chunked} gets no body framing (what {@code HttpServerCodec} does for its own decoder).
 */
final class HeadAwareResponseEncoder extends HttpResponseEncoder {

    private final ArrayDeque<Boolean> headRequests;

    HeadAwareResponseEncoder(ArrayDeque<Boolean> headRequests) {
        this.headRequests = headRequests;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        int code = msg.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            return super.isContentAlwaysEmpty(msg); // an interim response answers nothing yet
        }
        Boolean head = headRequests.poll();
        return (head != null && head) || super.isContentAlwaysEmpty(msg);
    }
}
