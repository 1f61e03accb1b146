package io.edgespot.proxy.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The WebSocket requests of HTTP/2 streams (RFC 8441). The message conversion of a stream ({@link Http2StreamMessages})
 * asks it about each HEADERS frame that leaves the stream open (only the first of a stream may; Netty resets a
 * stream on a second one without END_STREAM): an extended CONNECT for WebSockets ({@code :method CONNECT},
 * {@code :protocol websocket}) becomes the HTTP/1.1 opening handshake the proxy forwards to origins (GET with
 * {@code Upgrade: websocket}, {@code Connection: Upgrade}, a fresh {@code Sec-WebSocket-Key} and version 13), so
 * that it takes the same routing, admission and forwarding path as an HTTP/1.1 upgrade. A CONNECT for another
 * protocol, or one that ends the client's side of the stream at once, stays a CONNECT, which the request guard
 * answers 501.
 *
 * <p>HTTP/2 clients cannot send {@code Connection} or {@code Upgrade} themselves (the HPACK decoder refuses
 * connection-specific fields), so an HTTP/2 request carrying them was made here.
 */
final class Http2WebSocketRequests {

    private static final String WEBSOCKET = "websocket";
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Http2WebSocketRequests() {
    }

    /** Whether {@code f} opens a WebSocket: an extended CONNECT for {@code websocket} that leaves the stream open. */
    static boolean isWebSocketConnect(Http2HeadersFrame f) {
        return !f.isEndStream() && isWebSocketConnect(f.headers());
    }

    private static boolean isWebSocketConnect(Http2Headers h) {
        CharSequence protocol = h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        return protocol != null && HttpMethod.CONNECT.asciiName().contentEquals(h.method())
                && io.netty.util.AsciiString.contentEqualsIgnoreCase(protocol, WEBSOCKET);
    }

    /**
     * Whether the origin's 101 answers the key this proxy sent (RFC 6455 section 4.2.2): over HTTP/2 the proxy is
     * the WebSocket client of the origin, so it checks what an HTTP/1.1 client would.
     */
    static boolean accepted(HttpRequest sent, HttpResponse upgraded) {
        String key = sent.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        String accept = upgraded.headers().get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
        if (key == null || accept == null) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest).equals(accept.trim());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    /** The HTTP/1.1 handshake for an extended CONNECT; the client's subprotocols and extensions stay. */
    static FullHttpRequest upgradeRequest(Http2HeadersFrame f) throws Http2Exception {
        Http2Headers h = f.headers();
        h.method(HttpMethod.GET.asciiName());
        h.remove(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        FullHttpRequest request = HttpConversionUtil.toFullHttpRequest(f.stream().id(), h, Unpooled.EMPTY_BUFFER,
                true);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce); // a handshake nonce, not a secret (RFC 6455 section 4.1)
        request.headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_KEY, Base64.getEncoder().encodeToString(nonce))
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        return request;
    }
}
