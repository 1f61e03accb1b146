package io.edgespot.loadtest;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/**
 * Makes the requests of an HTTP run: method, {@code Host}, extra headers and a body of {@code --body-size}
 * bytes; only the path varies between requests.
 */
public final class RequestTemplate {

    private final HttpMethod method;
    private final HttpHeaders headers;
    private final byte[] body;

    /**
     * Creates the template.
     *
     * @param args the method, headers and body size
     * @param closeConnection whether to ask the server to close the connection after each response
     */
    public RequestTemplate(Args args, boolean closeConnection) {
        this.method = HttpMethod.valueOf(args.method());
        this.body = new byte[args.bodySize()];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.HOST, args.target().authority());
        h.set(HttpHeaderNames.USER_AGENT, "edgespot-load");
        for (Map.Entry<String, String> e : args.headers()) {
            h.add(e.getKey(), e.getValue());
        }
        if (body.length > 0 || method == HttpMethod.POST || method == HttpMethod.PUT) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        if (closeConnection) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        this.headers = h;
    }

    /**
     * Creates one request; the caller owns it and must write or release it.
     *
     * @param pathAndQuery the request target
     * @return the request
     */
    public FullHttpRequest create(String pathAndQuery) {
        // Wrapping the shared array costs no copy; the encoder only reads it.
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery,
            body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        req.headers().set(headers);
        return req;
    }
}
