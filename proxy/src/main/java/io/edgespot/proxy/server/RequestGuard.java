package io.edgespot.proxy.server;

import io.edgespot.proxy.config.EdgeConfig.Limits;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses malformed and oversized requests before any routing, so that none of them can reach an upstream.
 *
 * <p>As a handler it guards an HTTP/1.1 connection: a refused request is answered (400, 414, 431, 501, 505) and
 * the connection closes, because after a framing error nothing later on it can be trusted. {@link #check} holds the
 * rules that apply to HTTP/2 streams as well.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {

    /** Why a request was refused: the status, the reason sent, and the metric label. */
    record Rejection(HttpResponseStatus status, String reason, String metric) {
    }

    /** Standard methods (RFC 9110 section 9, RFC 5789): a case variant of one of them is refused. */
    private static final List<String> STANDARD_METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "PATCH");

    private final Limits limits;
    private final EdgeMetrics metrics;
    private final Http1Timeouts timeouts;
    private boolean rejected;

    RequestGuard(Limits limits, EdgeMetrics metrics, Http1Timeouts timeouts) {
        this.limits = limits;
        this.metrics = metrics;
        this.timeouts = timeouts;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Rejection r = null;
        if (msg instanceof StrictRequestDecoder.MalformedRequest m) {
            r = new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request: " + m.reason(), "bad_request");
        } else if (msg instanceof HttpRequest request) {
            timeouts.headReceived();
            r = request.decoderResult().isFailure() ? decoderFailure(request.decoderResult().cause())
                    : check(request, limits, false);
        } else if (msg instanceof io.netty.handler.codec.http.HttpContent content
                && content.decoderResult().isFailure()) {
            r = new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request body framing", "bad_request");
        }
        if (r == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        rejected = true;
        metrics.rejected(r.metric());
        ctx.channel().config().setAutoRead(true); // drain what the client still sends until the close
        ErrorResponses.send(ctx.channel(), r.status(), r.reason(), null, true);
    }

    private static Rejection decoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long", "uri_too_long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header too large",
                    "header_too_large");
        }
        return new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request", "bad_request");
    }

    /**
     * Checks a decoded request head against the limits and the framing rules.
     *
     * @param http2 the request came on an HTTP/2 stream (its framing was checked by the HTTP/2 codec)
     * @return the rejection, or null when the request may proceed
     */
    static Rejection check(HttpRequest request, Limits limits, boolean http2) {
        HttpHeaders headers = request.headers();
        if (!http2) {
            HttpVersion v = request.protocolVersion();
            if (v.majorVersion() != 1 || v.minorVersion() > 1) {
                return new Rejection(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported",
                        "bad_request");
            }
        }
        String methodProblem = methodProblem(request.method());
        if (methodProblem != null) {
            return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED, methodProblem, "not_implemented");
        }
        if (request.uri().length() > limits.maxUriBytes()) {
            return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request target too long", "uri_too_long");
        }
        if (headers.size() > limits.maxHeaderCount()) {
            return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many request headers",
                    "header_too_large");
        }
        String problem = headerProblem(headers);
        if (problem == null && !http2 && request.protocolVersion().minorVersion() == 0
                && headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            problem = "Transfer-Encoding in an HTTP/1.0 request";
        }
        if (problem == null) {
            problem = targetProblem(request, http2);
        }
        return problem == null ? null
                : new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request: " + problem, "bad_request");
    }

    /**
     * Methods are case-sensitive tokens (RFC 9110 section 9.1), so {@code get} is not GET but an unknown method.
     * An extension method ({@code PURGE}, {@code PROPFIND}) is forwarded like any other. A case variant of a standard
     * method is not: an upstream that compares methods without case would take it for the standard one while the
     * proxy's routes, method filters and cache did not, so it is answered 501 (RFC 9110 section 15.6.2). CONNECT is
     * not implemented by a reverse proxy either.
     *
     * @return the reason, or null when the method may proceed
     */
    private static String methodProblem(HttpMethod method) {
        String name = method.name();
        if (name.equals("CONNECT")) {
            return "CONNECT is not supported";
        }
        for (String standard : STANDARD_METHODS) {
            if (standard.equalsIgnoreCase(name) && !standard.equals(name)) {
                return "method not implemented";
            }
        }
        return null;
    }

    private static String headerProblem(HttpHeaders headers) {
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            return hosts.isEmpty() ? "missing Host" : "more than one Host";
        }
        if (!validHost(hosts.get(0))) {
            return "invalid Host";
        }
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!lengths.isEmpty()) {
            if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                return "both Content-Length and Transfer-Encoding";
            }
            String first = lengths.get(0);
            for (String l : lengths) {
                if (!isDigits(l) || !l.equals(first)) {
                    return "invalid Content-Length";
                }
            }
            // RFC 9110 section 8.6: 1*DIGIT, so leading zeros are valid; forward the canonical decimal so that no
            // upstream can read "010" as anything but ten.
            String canonical = Long.toString(Long.parseLong(first));
            if (lengths.size() > 1 || !canonical.equals(first)) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, canonical);
            }
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty()) {
            String last = codings.get(codings.size() - 1);
            int comma = last.lastIndexOf(',');
            String finalCoding = (comma < 0 ? last : last.substring(comma + 1)).trim();
            if (!finalCoding.equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding does not end in chunked";
            }
            if (codings.size() > 1 || last.indexOf(',') >= 0) {
                return "Transfer-Encoding with more than one coding";
            }
        }
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (!validValue(e.getValue())) {
                return "control character in a header value";
            }
        }
        return null;
    }

    private static String targetProblem(HttpRequest request, boolean http2) {
        String uri = request.uri();
        if (uri.isEmpty()) {
            return "empty request target";
        }
        char c = uri.charAt(0);
        if (c == '/') {
            return validTarget(uri) ? null : "invalid character in request target";
        }
        if (uri.equals("*")) {
            return request.method().equals(HttpMethod.OPTIONS) ? null : "asterisk target for a method other than OPTIONS";
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (!http2 && (lower.startsWith("http://") || lower.startsWith("https://"))) {
            int hostStart = uri.indexOf("//") + 2;
            int slash = uri.indexOf('/', hostStart);
            String authority = slash < 0 ? uri.substring(hostStart) : uri.substring(hostStart, slash);
            if (authority.indexOf('@') >= 0) {
                return "userinfo in request target";
            }
            if (!authority.equalsIgnoreCase(request.headers().get(HttpHeaderNames.HOST))) {
                return "absolute-form target host differs from Host";
            }
            String path = slash < 0 ? "/" : uri.substring(slash);
            if (!validTarget(path)) {
                return "invalid character in request target";
            }
            request.setUri(path);
            return null;
        }
        return "invalid request target";
    }

    private static boolean validTarget(String target) {
        for (int i = 0; i < target.length(); i++) {
            char ch = target.charAt(i);
            if (ch <= ' ' || ch >= 0x7f || ch == '#') {
                return false;
            }
        }
        return true;
    }

    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            boolean ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
                    || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']' || ch == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean validValue(CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch < ' ' && ch != '\t' || ch == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }
}
