package io.edgespot.proxy.server;

import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.config.EdgeConfig.Server;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rewriting between the downstream and the upstream, both ways: hop-by-hop headers out, forwarding
 * headers in, a request id and a W3C trace context on every request, and the route's own additions.
 */
final class ForwardHeaders {

    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    static final AsciiString TRACESTATE = AsciiString.cached("tracestate");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Hop-by-hop fields (RFC 9110 section 7.6.1) and framing fields the proxy sets itself. */
    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE};

    /** Kept once: {@code values()} copies its array on every call. */
    private static final HttpConversionUtil.ExtensionHeaderNames[] HTTP2_EXTENSION_HEADERS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private final boolean trustIncoming;
    private final boolean forwarded;
    // bytes, which the encoder copies whole
    private final AsciiString via1;
    private final AsciiString via2;

    ForwardHeaders(Server server) {
        this.trustIncoming = server.trustForwardedHeaders();
        this.forwarded = server.forwarded();
        this.via1 = new AsciiString("1.1 " + server.via());
        this.via2 = new AsciiString("2 " + server.via());
    }

    /**
     * Builds the HTTP/1.1 request head sent upstream.
     *
     * @param in          the validated downstream request
     * @param route       the matched route
     * @param path        the path and query to send (already rewritten)
     * @param clientIp    the client address as text
     * @param scheme      {@code https} or {@code http}
     * @param http2       the downstream spoke HTTP/2
     * @param hasBody     the request has a body (a streamed one gets chunked framing when its length is unknown)
     * @param requestId   the request id
     * @param webSocket   keep Connection/Upgrade for a WebSocket handshake
     */
    HttpRequest upstreamRequest(HttpRequest in, Route route, String path, String clientIp, String scheme,
                                boolean http2, boolean hasBody, String requestId, boolean webSocket) {
        // rewritten in place: the downstream request's headers become the upstream request's
        HttpHeaders out = in.headers();
        String host = out.get(HttpHeaderNames.HOST);
        removeHopByHop(out, false);
        out.remove(HttpHeaderNames.EXPECT);
        if (http2) {
            for (HttpConversionUtil.ExtensionHeaderNames x : HTTP2_EXTENSION_HEADERS) {
                out.remove(x.text()); // added by the HTTP/2 to HTTP/1 conversion, not by the client
            }
        }
        for (String h : route.removeHeaders()) {
            out.remove(h);
        }
        route.addHeaders().forEach(out::set);
        if (webSocket) {
            out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            out.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        if (hasBody && !out.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        addForwarding(out, clientIp, scheme, host);
        out.add(HttpHeaderNames.VIA, via(http2));
        out.set(X_REQUEST_ID, requestId);
        String trace = out.get(TRACEPARENT);
        if (!validTraceparent(trace)) {
            out.remove(TRACESTATE);
            out.set(TRACEPARENT, newTraceparent());
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, in.method(), path, out);
    }

    private void addForwarding(HttpHeaders out, String clientIp, String scheme, String host) {
        String xff = out.get(X_FORWARDED_FOR);
        out.set(X_FORWARDED_FOR, trustIncoming && xff != null ? xff + ", " + clientIp : clientIp);
        if (!trustIncoming || !out.contains(X_FORWARDED_PROTO)) {
            out.set(X_FORWARDED_PROTO, scheme);
        }
        if (host != null && (!trustIncoming || !out.contains(X_FORWARDED_HOST))) {
            out.set(X_FORWARDED_HOST, host);
        }
        if (forwarded) {
            String node = clientIp.indexOf(':') >= 0 ? "\"[" + clientIp + "]\"" : clientIp;
            String element = "for=" + node + ";proto=" + scheme + (host == null ? "" : ";host=\"" + host + "\"");
            String prior = out.get(FORWARDED);
            out.set(FORWARDED, trustIncoming && prior != null ? prior + ", " + element : element);
        } else if (!trustIncoming) {
            out.remove(FORWARDED);
        }
    }

    /**
     * Removes hop-by-hop fields from an upstream response before it goes downstream and adds {@code Via}.
     * Framing is set by the caller afterwards.
     */
    void downstreamResponse(HttpResponse response, boolean http2, boolean webSocket) {
        HttpHeaders h = response.headers();
        removeHopByHop(h, webSocket);
        h.add(HttpHeaderNames.VIA, via(http2));
    }

    /** This proxy's {@code Via} member for a message of the given protocol. */
    AsciiString via(boolean http2) {
        return http2 ? via2 : via1;
    }

    /**
     * Removes hop-by-hop fields: the fixed set and whatever {@code Connection} names. For a WebSocket
     * handshake, {@code Connection} and {@code Upgrade} stay.
     */
    private static void removeHopByHop(HttpHeaders h, boolean webSocket) {
        // by name, not by a walk over the fields: a field list compares names without making strings of them
        Set<String> named = connectionTokens(h);
        for (AsciiString name : HOP_BY_HOP) {
            if (!(webSocket && isUpgradeField(name))) {
                h.remove(name);
            }
        }
        for (String name : named) {
            if (!(webSocket && isUpgradeField(name))) {
                h.remove(name);
            }
        }
    }

    /** Connection or Upgrade, the fields a WebSocket handshake keeps. */
    private static boolean isUpgradeField(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE);
    }

    /**
     * The field names that {@code Connection} lists, lower case; {@code close} and {@code keep-alive} name no field.
     * Allocates nothing for the usual {@code Connection: keep-alive} or none.
     */
    private static Set<String> connectionTokens(HttpHeaders headers) {
        Set<String> tokens = Set.of();
        for (Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
                it.hasNext(); ) {
            CharSequence value = it.next();
            int length = value.length();
            for (int from = 0; from <= length; ) {
                int to = from;
                while (to < length && value.charAt(to) != ',') {
                    to++;
                }
                int s = from;
                int e = to;
                while (s < e && isOws(value.charAt(s))) {
                    s++;
                }
                while (e > s && isOws(value.charAt(e - 1))) {
                    e--;
                }
                if (e > s && !is(value, s, e, HttpHeaderValues.CLOSE) && !is(value, s, e, HttpHeaderValues.KEEP_ALIVE)) {
                    if (tokens.isEmpty()) {
                        tokens = new java.util.HashSet<>();
                    }
                    tokens.add(value.subSequence(s, e).toString().toLowerCase(Locale.ROOT));
                }
                from = to + 1;
            }
        }
        return tokens;
    }

    /** Whether {@code value[from, to)} is {@code word}, ignoring case. */
    private static boolean is(CharSequence value, int from, int to, AsciiString word) {
        return to - from == word.length() && AsciiString.regionMatches(value, true, from, word, 0, to - from);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Returns the client's request id when it is sane (1 to 128 visible ASCII characters), else a new one.
     */
    static String requestId(HttpHeaders headers) {
        String id = headers.get(X_REQUEST_ID);
        if (id != null && !id.isEmpty() && id.length() <= 128) {
            boolean ok = true;
            for (int i = 0; i < id.length() && ok; i++) {
                char c = id.charAt(i);
                ok = c > ' ' && c < 0x7f && c != '"' && c != '\\';
            }
            if (ok) {
                return id;
            }
        }
        return randomHex(16);
    }

    /**
     * Whether a W3C traceparent is well formed: the version 00 layout, non-zero ids, version not ff; a later version
     * may be longer, and then the flags are followed by a dash (W3C Trace Context section 3.2.4).
     */
    static boolean validTraceparent(String tp) {
        if (tp == null || tp.length() < 55 || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') {
            return false;
        }
        if (tp.startsWith("ff") || tp.startsWith("00") && tp.length() != 55
                || tp.length() > 55 && tp.charAt(55) != '-') {
            return false;
        }
        return isHex(tp, 0, 2) && isHex(tp, 3, 35) && isHex(tp, 36, 52) && isHex(tp, 53, 55)
                && !allZero(tp, 3, 35) && !allZero(tp, 36, 52);
    }

    /** A new version 00 traceparent, sampled: {@code 00-<32 hex>-<16 hex>-01}, as bytes the encoder copies whole. */
    static AsciiString newTraceparent() {
        byte[] out = new byte[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        hex(out, 3, 16);
        out[35] = '-';
        hex(out, 36, 8);
        out[52] = '-';
        out[53] = '0';
        out[54] = '1';
        return new AsciiString(out, false);
    }

    /** Writes {@code 2 * bytes} random hex digits at {@code out[at]}, from a random long per 8 bytes. */
    private static void hex(byte[] out, int at, int bytes) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < bytes; i += 8) {
            long bits = r.nextLong();
            for (int j = 2 * i, end = 2 * Math.min(bytes, i + 8); j < end; j++, bits >>>= 4) {
                out[at + j] = HEX[(int) bits & 0xf];
            }
        }
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(int bytes) {
        byte[] out = new byte[bytes * 2];
        hex(out, 0, bytes);
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
