package io.edgespot.proxy.server;

import io.edgespot.cache.BodyCollector;
import io.edgespot.cache.CacheExchange;
import io.edgespot.cache.HttpCache;
import io.edgespot.cache.LookupResult;
import io.edgespot.cache.ResponseDecision;
import io.edgespot.proxy.admin.AccessLog;
import io.edgespot.proxy.admin.AccessRecord;
import io.edgespot.proxy.cache.CacheBodies;
import io.edgespot.proxy.cache.NettyFields;
import io.edgespot.proxy.config.EdgeConfig.Limits;
import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.http.FieldList;
import io.edgespot.proxy.upstream.ClusterState;
import io.edgespot.proxy.upstream.EndpointState;
import io.edgespot.proxy.upstream.UpstreamConnection;
import io.edgespot.proxy.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Proxies the requests of one downstream HTTP/1.1 connection, or of one HTTP/2 stream, to upstream clusters. It
 * writes to its client through a {@link Downstream}, and hears from it through the methods below: an HTTP/1.1
 * connection's handler ({@link Http1Downstream}) or the streams of an HTTP/2 connection ({@link Http2Streams}).
 *
 * <p>Reads are on demand on both sides. The downstream's messages are taken only when the exchange can take the
 * next one (the upstream connection is writable, or the previous response is complete), and the upstream is read
 * only while the downstream is writable, so bodies stream both ways with back-pressure and neither side is buffered
 * whole. Requests are taken one at a time, which keeps pipelined HTTP/1.1 responses in order.
 */
final class ProxyHandler {

    static final AsciiString CACHE_STATUS = AsciiString.cached("cache-status");
    /** The largest response body whose end waits for the event loop's batched flush: one full DATA frame. */
    private static final int BATCHED_BODY_BYTES = 16 * 1024;
    /** Tells the origin which Surrogate-Control targets this cache honours (RFC 9213 style targeting). */
    private static final AsciiString SURROGATE_CAPABILITY = AsciiString.cached("surrogate-capability");
    /** Messages held before the downstream stops reading, and the fewer at which it reads again. */
    private static final int PENDING_PAUSE = 64;
    private static final int PENDING_RESUME = 16;

    private final ProxyContext px;
    private final ConnectionInfo info;
    private final boolean http2;
    private final Http1Timeouts timeouts;
    private final Downstream down;
    /** The event loop's batched flusher, for requests to origins. */
    private LoopFlusher flusher;
    private boolean started;
    private Exchange current;
    /**
     * Messages that arrived before the exchange wanted them, in order. Over HTTP/1.1 the connection keeps reading
     * (a keep-alive request then costs no epoll registration change) until this fills; an HTTP/2 stream's are
     * bound by the flow-control window, given back as the body is taken.
     */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    /** The exchange wants the next message. */
    private boolean wantMessage;
    private boolean dispatching;
    /** The downstream was told to stop reading. */
    private boolean paused;

    /**
     * @param info     the connection's listener, client address and TLS tenant
     * @param http2    this serves one HTTP/2 stream
     * @param timeouts the HTTP/1.1 connection's idle and head clocks; null for HTTP/2
     * @param down     the client
     */
    ProxyHandler(ProxyContext px, ConnectionInfo info, boolean http2, Http1Timeouts timeouts, Downstream down) {
        this.px = px;
        this.info = info;
        this.http2 = http2;
        this.timeouts = timeouts;
        this.down = down;
    }

    /** The client is connected: waits for its first request. */
    void start() {
        if (!started) {
            started = true;
            flusher = px.flusher(down.eventLoop());
            awaitNext();
        }
    }

    private void awaitNext() {
        // a pipelined request whose head is already queued starts at once: the connection stays busy, not idle
        if (timeouts != null && !(pending.peek() instanceof HttpRequest)) {
            timeouts.awaitRequest();
        }
        read();
    }

    /** Asks for the next downstream message. */
    private void read() {
        wantMessage = true;
        drainPending();
    }

    private void drainPending() {
        if (dispatching) {
            return; // the loop below is already running further up the stack
        }
        dispatching = true;
        try {
            Object msg;
            while (wantMessage && (msg = pending.poll()) != null) {
                wantMessage = false;
                dispatch(msg);
            }
        } finally {
            dispatching = false;
        }
        if (paused && pending.size() < PENDING_RESUME) {
            paused = false;
            down.reading(true);
        }
    }

    /** A request head, body piece or end came from the client. */
    void received(Object msg) {
        pending.add(msg);
        if (!paused && pending.size() >= PENDING_PAUSE) {
            paused = true;
            down.reading(false);
        }
        drainPending();
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (current != null) {
                ReferenceCountUtil.release(msg);
                down.abort();
                return;
            }
            current = new Exchange(request);
            current.start();
        } else if (msg instanceof HttpContent content) {
            if (current != null && !current.requestComplete) {
                down.consumed(content.content().readableBytes());
                current.onRequestBody(content);
            } else {
                content.release(); // the rest of a body nobody reads: its connection or stream is closing
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The client takes more again. */
    void writable() {
        if (current != null && down.isWritable()) {
            current.onDownstreamWritable();
        }
    }

    /** The client went away. */
    void closed() {
        if (current != null) {
            current.onDownstreamClosed();
        }
        handOver(ReferenceCountUtil::release);
    }

    /** No exchange is under way: a drain may close the connection now. */
    boolean idle() {
        return current == null;
    }

    /** A WebSocket tunnel takes the connection over: whatever came after the upgrade request is its. */
    void handOver(Consumer<Object> next) {
        Object msg;
        while ((msg = pending.poll()) != null) {
            next.accept(msg);
        }
    }

    /** The event loop's clock, which deadlines and timers share. */
    private long now() {
        return down.eventLoop().ticker().nanoTime();
    }

    /**
     * Acts on the exchange's deadlines that have passed by {@code now}, for the downstream's timer.
     *
     * @return the next deadline, or 0 for none
     */
    long checkDeadlines(long now) {
        return current == null ? 0 : current.checkDeadlines(now);
    }

    /** Writes one of the proxy's own answers, and closes the connection (an HTTP/2 stream: ends it) after it. */
    private void sendError(FullHttpResponse error, boolean close) {
        down.writeAndFlush(error);
        if (close) {
            down.close();
        }
    }

    /** Sends a response the proxy made itself, then moves on to the next request or closes. */
    private void answerLocally(Exchange ex, HttpResponseStatus status, String reason, String metric) {
        if (metric != null) {
            px.metrics().rejected(metric);
        }
        boolean unreadBody = !ex.requestComplete && ex.requestHasBody;
        boolean close = !http2 && (unreadBody || ex.closeAfter());
        ex.finishMetrics(status.code());
        current = null;
        if (close && unreadBody) {
            down.answerAndClose(ErrorResponses.build(down.alloc(), status, reason, ex.requestId, true));
            return;
        }
        // an HTTP/2 stream whose client is still sending is reset with NO_ERROR after the answer
        sendError(ErrorResponses.build(down.alloc(), status, reason, ex.requestId, close), close || unreadBody);
        if (!http2 && !close) {
            awaitNext(); // the request was read whole: an unread body closes above
        }
    }

    /** One request and its response. */
    private final class Exchange implements UpstreamConnection.Listener {

        private final HttpRequest request;
        /** When the exchange began, on the event loop's clock (which deadlines and timers share). */
        private final long startNanos = now();
        private final String requestId;
        private final boolean requestHasBody;
        /** The declared Content-Length, 0 when there is none. */
        private final long contentLength;
        private final boolean idempotent;
        private final boolean keepAlive;
        private EdgeRuntime rt;
        private TenantRuntime tenant;
        private Route route;
        private ClusterState cluster;
        private EndpointState endpoint;
        private UpstreamConnection conn;
        private HttpRequest upstreamHead;
        private boolean requestComplete;
        private boolean headSent;
        /** The whole request, up to its end, went to the current upstream connection. */
        private boolean requestSent;
        private long requestBodyBytes;
        private boolean responseStarted;
        private boolean responseComplete;
        private boolean closeDelimited;
        /** The downstream connection closes after this response (HTTP/1.0 without a length). */
        private boolean forceClose;
        private boolean upstreamKeepAlive;
        private int status;
        private int attempts;
        private boolean retryClaimed;
        private boolean done;
        /** When the exchange must be over (the event loop clock), 0 for none. */
        private long totalDeadline;
        /** When the first response byte must have come, 0 while not armed. */
        private long firstByteDeadline;
        /** The cache's side of this exchange, while the origin's answer is awaited. */
        private CacheExchange cacheEx;
        /** Receives the body while it streams downstream, when the cache stores the response. */
        private BodyCollector collector;
        /** The Cache-Status of a response the proxy makes itself. */
        private String cacheStatus;
        /** A cache hit's body while it is being written, the next segment to open, and the bytes opened so far. */
        private io.edgespot.cache.CachedBody hitBody;
        private int hitNext;
        private long hitOpened;
        /** Body bytes sent downstream, for the access log. */
        private long bytesSent;
        /** Held from an admitted WebSocket upgrade until the tunnel closes, or the upgrade fails. */
        private WebSocketCaps.Lease wsLease;

        Exchange(HttpRequest request) {
            this.request = request;
            this.requestId = ForwardHeaders.requestId(request.headers());
            this.requestComplete = request instanceof LastHttpContent;
            this.contentLength = HttpUtil.getContentLength(request, 0L);
            this.requestHasBody = http2 ? !requestComplete : contentLength > 0
                    || HttpUtil.isTransferEncodingChunked(request);
            HttpMethod m = request.method();
            this.idempotent = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                    || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
            this.keepAlive = http2 || HttpUtil.isKeepAlive(request);
        }

        boolean closeAfter() {
            return !http2 && (!keepAlive || px.draining());
        }

        void start() {
            if (request instanceof FullHttpRequest full) {
                full.content().release();
            }
            rt = px.runtime();
            Limits limits = rt.config().limits();
            if (http2) {
                RequestGuard.Rejection r = RequestGuard.check(request, limits, true);
                if (r != null) {
                    answerLocally(this, r.status(), r.reason(), r.metric());
                    return;
                }
            }
            if (limits.maxRequestsPerSecondPerClient() > 0 && !px.requestRates().tryAcquire(info.clientIp(),
                    limits.maxRequestsPerSecondPerClient(), limits.requestBurstPerClient())) {
                answerLocally(this, HttpResponseStatus.TOO_MANY_REQUESTS, "request rate limit reached",
                        "rate_limited");
                return;
            }
            String host = hostOnly(request.headers().get(HttpHeaderNames.HOST));
            tenant = rt.hosts().get(host);
            if (info.tlsTenant() != null && (tenant == null || !tenant.name().equals(info.tlsTenant()))) {
                answerLocally(this, HttpResponseStatus.MISDIRECTED_REQUEST,
                        "host is not served on this TLS connection", "misdirected");
                return;
            }
            if (tenant == null) {
                answerLocally(this, HttpResponseStatus.NOT_FOUND, "unknown host", "unknown_host");
                return;
            }
            String uri = request.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            route = tenant.routes().match(request.method().name(), path, request.headers());
            if (route == null) {
                answerLocally(this, HttpResponseStatus.NOT_FOUND, "no route", "no_route");
                return;
            }
            if (contentLength > route.maxBodyBytes()) {
                answerLocally(this, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large",
                        "body_too_large");
                return;
            }
            String expect = request.headers().get(HttpHeaderNames.EXPECT);
            if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
                answerLocally(this, HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation", "bad_request");
                return;
            }
            cluster = tenant.clusters().get(route.to());
            boolean webSocket = isWebSocketUpgrade(request); // on HTTP/2: made by Http2WebSocketRequests
            if (webSocket && !admitWebSocket()) {
                return;
            }
            boolean expectContinue = HttpUtil.is100ContinueExpected(request); // the rewrite below drops Expect
            String upstreamPath = rewrite(uri);
            upstreamHead = rt.forward().upstreamRequest(request, route, upstreamPath, info.clientIp(),
                    info.scheme(), http2, requestHasBody, requestId, webSocket);
            cluster.requestStarted();
            long total = route.timeouts().total().toNanos();
            if (total > 0) {
                totalDeadline = startNanos + total;
                down.wakeBy(totalDeadline);
            }
            if (expectContinue) {
                down.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            HttpCache cache = px.cache();
            if (cache != null && tenant.cached() && route.cache() && wsLease == null) {
                onLookup(cache.lookup(NettyFields.request(request, tenant.name(), info.scheme(),
                        host.toLowerCase(java.util.Locale.ROOT))));
            } else {
                attempt(null);
            }
        }

        /** Acts on what the cache says about this request; see the call sequence in the cache package. */
        private void onLookup(LookupResult result) {
            if (done) {
                if (result instanceof LookupResult.Miss m) {
                    px.cache().abandon(m.exchange());
                } else if (result instanceof LookupResult.Revalidate r) {
                    px.cache().abandon(r.exchange());
                }
                return;
            }
            if (result instanceof LookupResult.Hit hit) {
                serveHit(hit);
            } else if (result instanceof LookupResult.Stale stale) {
                stale.refresh().ifPresent(this::refreshInBackground);
                serveHit(stale.response());
            } else if (result instanceof LookupResult.Miss miss) {
                forwardThroughCache(miss.exchange());
            } else if (result instanceof LookupResult.Revalidate rv) {
                forwardThroughCache(rv.exchange());
            } else if (result instanceof LookupResult.Bypass bypass) {
                forwardThroughCache(bypass.exchange());
            } else if (result instanceof LookupResult.Coalesced co) {
                co.result().whenComplete((r, err) -> down.eventLoop().execute(() -> {
                    if (err != null) {
                        attempt(null);
                    } else {
                        onLookup(r);
                    }
                }));
            } else if (result instanceof LookupResult.OnlyIfCachedMiss m) {
                cacheStatus = m.cacheStatus();
                fail(HttpResponseStatus.GATEWAY_TIMEOUT, "not in cache and only-if-cached was asked");
            }
        }

        private void forwardThroughCache(CacheExchange ex) {
            cacheEx = ex;
            HttpHeaders h = upstreamHead.headers();
            for (String name : ex.requestHeadersToRemove()) {
                h.remove(name);
            }
            ex.conditionalHeaders().forEach(h::set);
            h.add(SURROGATE_CAPABILITY, px.cache().surrogateCapability());
            attempt(null);
        }

        /** A stale entry was served; fetch a fresh copy for the cache without anyone waiting on it. */
        private void refreshInBackground(CacheExchange ex) {
            ClusterState c = cluster;
            HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.GET, upstreamHead.uri(), upstreamHead.headers().copy());
            ex.requestHeadersToRemove().forEach(head.headers()::remove);
            ex.conditionalHeaders().forEach(head.headers()::set);
            new BackgroundRefresh(px, c, head, ex).start(down.eventLoop());
        }

        /** Sends a response from the cache: the head, then the body one decrypted segment at a time. */
        private void serveHit(LookupResult.Hit hit) {
            if (done) {
                return;
            }
            firstByteDeadline = 0;
            status = hit.status();
            // The stored fields were validated when the origin's response was decoded, and the entry is
            // authenticated: a field list, which checks nothing, as the decoders' are.
            HttpResponse head = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), FieldList.FACTORY);
            HttpHeaders h = head.headers();
            NettyFields.copyInto(hit.headers(), h);
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            h.remove(HttpHeaderNames.CONNECTION);
            boolean bodyless = request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
            if (status != 204 && status != 304) {
                h.set(HttpHeaderNames.CONTENT_LENGTH, hit.body().length());
            }
            h.add(HttpHeaderNames.VIA, rt.forward().via(http2));
            if (!http2 && closeAfter()) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            responseStarted = true;
            cacheStatus = hit.cacheStatus();
            bytesSent = bodyless ? 0 : hit.body().length();
            down.write(head);
            hitBody = bodyless ? io.edgespot.cache.CachedBody.EMPTY : hit.body();
            hitNext = 0;
            hitOpened = 0;
            writeHitSegments();
        }

        /**
         * Writes the next segments of a cache hit while the client can take them; each segment is decrypted only
         * when it is about to be written, so a slow client holds at most one plaintext segment here.
         */
        private void writeHitSegments() {
            io.edgespot.cache.CachedBody body = hitBody;
            try {
                while (hitNext < body.segmentCount()) {
                    if (!down.isWritable()) {
                        down.flush(); // resumed by onDownstreamWritable
                        return;
                    }
                    io.netty.buffer.ByteBuf segment = CacheBodies.openSegment(body, hitNext++, down.alloc());
                    hitOpened += segment.readableBytes();
                    down.write(new io.netty.handler.codec.http.DefaultHttpContent(segment));
                }
            } catch (RuntimeException e) { // CacheIntegrityException: the client must see a cut, not an end
                hitBody = null;
                abortDownstream();
                return;
            }
            hitBody = null;
            if (hitOpened != body.length()) {
                abortDownstream(); // the segments do not add up to the Content-Length already sent
                return;
            }
            down.write(LastHttpContent.EMPTY_LAST_CONTENT);
            responseComplete = true;
            complete(); // before the flush, in which an HTTP/2 stream may close
            flushResponseEnd();
        }

        /** Checks the route allows WebSockets and every cap has room; answers the request itself if not. */
        private boolean admitWebSocket() {
            String refusal;
            if (!route.webSocket()) {
                answerLocally(this, HttpResponseStatus.FORBIDDEN, "WebSocket is not enabled on this route",
                        "websocket_not_allowed");
                return false;
            }
            if (px.draining()) {
                refusal = "draining";
            } else {
                WebSocketCaps.Admission a = px.webSockets().tryAcquire(tenant.name(), route,
                        rt.config().limits().maxWebSockets(), tenant.config().webSockets().max());
                if (a.lease() != null) {
                    wsLease = a.lease();
                    return true;
                }
                refusal = a.refusal().name().toLowerCase(java.util.Locale.ROOT);
            }
            px.metrics().webSocketRejected(tenant.name(), refusal);
            answerLocally(this, HttpResponseStatus.SERVICE_UNAVAILABLE, "WebSocket limit reached (" + refusal + ")",
                    null);
            return false;
        }

        /**
         * The 101 came: hand both connections to a tunnel (an HTTP/2 stream answered 200, RFC 8441); this exchange
         * is over.
         */
        private void openTunnel(HttpResponse response) {
            cancelTimers();
            rt.forward().downstreamResponse(response, http2, !http2);
            WebSocketTunnel.Client client = down.upgrade(response);
            UpstreamConnection c = conn;
            conn = null;
            WebSocketCaps.Lease lease = wsLease;
            wsLease = null;
            finish(http2 ? 200 : 101);
            c.tunnel();
            WebSocketTunnel t = WebSocketTunnel.open(client, c.channel(), tenant.name(), px.metrics(), lease,
                    tenant.config().webSockets().idleTimeout(), tenant.config().webSockets().maxFrameBytes());
            if (px.draining()) {
                t.drain(rt.config().server().drainWindow()); // admitted just before the drain event went by
            }
        }

        private String rewrite(String uri) {
            if (route.stripPrefix().isEmpty()) {
                return uri;
            }
            String prefix = route.stripPrefix().get();
            if (!uri.startsWith(prefix)) {
                return uri;
            }
            String rest = uri.substring(prefix.length());
            String replacement = route.rewritePrefix().orElse("");
            String out = replacement + rest;
            if (out.isEmpty() || out.charAt(0) != '/') {
                out = "/" + out;
            }
            return out;
        }

        private void attempt(EndpointState exclude) {
            endpoint = cluster.pick(request.headers(), exclude);
            UpstreamPool pool = px.pool(down.eventLoop());
            Future<UpstreamConnection> f = pool.acquire(cluster, endpoint);
            if (f.isDone()) {
                connected(f);
            } else {
                f.addListener(this::connected);
            }
        }

        private void connected(Future<? super UpstreamConnection> f) {
            if (done) {
                if (f.isSuccess()) {
                    ((UpstreamConnection) f.getNow()).release(true);
                }
                return;
            }
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                if (cause instanceof UpstreamPool.PoolFullException) {
                    fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connection limit reached");
                } else if (cause instanceof SSLException) {
                    failOrRetry(true, HttpResponseStatus.BAD_GATEWAY, "upstream TLS handshake failed");
                } else {
                    failOrRetry(true, HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connect failed");
                }
                return;
            }
            conn = (UpstreamConnection) f.getNow();
            endpoint = conn.endpoint();
            conn.attach(this);
            headSent = true;
            if (requestComplete || !requestHasBody) {
                // one message through the upstream pipeline and its encoder, not a head and an empty last content;
                // sent with the other requests of this pass of the event loop
                conn.channel().write(new DefaultFullHttpRequest(upstreamHead.protocolVersion(),
                        upstreamHead.method(), upstreamHead.uri(), Unpooled.EMPTY_BUFFER, upstreamHead.headers(),
                        EmptyHttpHeaders.INSTANCE));
                flusher.flushLater(conn.channel());
                requestSent = true;
                armFirstByte();
            } else {
                conn.channel().writeAndFlush(upstreamHead);
                pumpRequestBody();
            }
            conn.channel().read();
        }

        private void pumpRequestBody() {
            if (!requestComplete && conn != null && conn.channel().isWritable()) {
                read();
            }
        }

        void onRequestBody(HttpContent content) {
            requestBodyBytes += content.content().readableBytes();
            boolean last = content instanceof LastHttpContent;
            if (requestBodyBytes > route.maxBodyBytes()) {
                content.release();
                if (!responseStarted) {
                    abortUpstream();
                    finish(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
                    px.metrics().rejected("body_too_large");
                    sendError(ErrorResponses.build(down.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                            "request body too large", requestId, true), true);
                } else {
                    abortDownstream();
                }
                return;
            }
            if (last) {
                requestComplete = true;
            }
            if (!requestHasBody) {
                content.release(); // the empty end of a body-less request: already sent with the head
                return;
            }
            if (conn == null) {
                content.release(); // the upstream went away; the exchange is already answered or retrying
                return;
            }
            conn.channel().writeAndFlush(content);
            if (last) {
                requestSent = true;
                armFirstByte();
                if (responseComplete) {
                    complete();
                }
            } else {
                pumpRequestBody();
            }
        }

        private void armFirstByte() {
            long t = route.timeouts().firstByte().toNanos();
            if (t > 0 && !responseStarted && firstByteDeadline == 0) {
                firstByteDeadline = now() + t;
                down.wakeBy(firstByteDeadline);
            }
        }

        @Override
        public void onUpstreamMessage(Object msg) {
            if (done) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) {
                int code = response.status().code();
                // Netty takes any number as a status; RFC 9110 section 15 defines three digits, 100 to 599
                if (response.decoderResult().isFailure() || code < 100 || code > 599) {
                    ReferenceCountUtil.release(msg);
                    px.metrics().upstreamError(tenant.name(), cluster.name(), "protocol");
                    cluster.onFailure(endpoint);
                    abortUpstream();
                    fail(HttpResponseStatus.BAD_GATEWAY, "invalid upstream response");
                    return;
                }
                if (code < 200 && !(code == 101 && wsLease != null)) {
                    ReferenceCountUtil.release(msg); // interim responses are not forwarded
                    return;
                }
                if (!onResponseHead(response)) {
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                if (content.decoderResult().isFailure()) {
                    content.release();
                    px.metrics().upstreamError(tenant.name(), cluster.name(), "protocol");
                    abortUpstream();
                    abortDownstream();
                    return;
                }
                if (collector != null && !CacheBodies.append(collector, content.content())) {
                    collector = null; // over the object size bound: stream on without storing
                }
                bytesSent += content.content().readableBytes();
                down.write(content); // a whole response too: its head and its body in one message
                if (content instanceof LastHttpContent) {
                    responseComplete = true;
                    if (collector != null) {
                        collector.complete();
                        collector = null;
                    }
                    // done before the flush, in which an HTTP/2 stream may close; if the client still sends a body
                    // nobody waits for, complete() closes
                    complete();
                    flushResponseEnd();
                }
            }
        }

        /**
         * Flushes the end of a proxied response: after the event loop's pass (see {@link LoopFlusher}) when its body
         * is small, at once otherwise. Over HTTP/2 the stream's frames are already in the connection's pipeline, and
         * the connection is flushed, once for all its streams that ended in the pass. A body larger than
         * {@link #BATCHED_BODY_BYTES} flushes at once even when it arrived in one read: batched with others over
         * HTTP/2, the connection's flow controller would slice the bodies of the batch into 1 KiB frames,
         * interleaved; over HTTP/1.1 the bodies held for a pass add up to megabytes that leave the CPU's caches
         * before they are written (64 KiB responses: 19 % fewer per second when batched).
         */
        private void flushResponseEnd() {
            if (bytesSent > BATCHED_BODY_BYTES) {
                down.flush();
            } else {
                down.flushLater();
            }
        }

        /**
         * Acts on the head of the final response; returns whether it goes to the client, in which case a whole
         * response ({@code HttpContent} too) is written by the caller with its body. On false the response was
         * released, or handed to a tunnel.
         */
        private boolean onResponseHead(HttpResponse response) {
            firstByteDeadline = 0;
            status = response.status().code();
            if (wsLease != null && status == 101) {
                if (http2 && !Http2WebSocketRequests.accepted(upstreamHead, response)) {
                    ReferenceCountUtil.release(response);
                    px.metrics().upstreamError(tenant.name(), cluster.name(), "protocol");
                    fail(HttpResponseStatus.BAD_GATEWAY, "upstream WebSocket handshake failed");
                    return false;
                }
                openTunnel(response);
                return false;
            }
            cluster.onResponse(endpoint, status);
            if (status >= 502 && status <= 504 && route.retry().on5xx() && canRetry(false)) {
                ReferenceCountUtil.release(response);
                abortUpstream();
                retry(); // an upgrade keeps its lease for the next attempt
                return false;
            }
            if (wsLease != null) {
                wsLease.release(); // the upstream refused the upgrade: an ordinary response follows
                wsLease = null;
            }
            upstreamKeepAlive = HttpUtil.isKeepAlive(response);
            if (cacheEx != null) {
                ResponseDecision d = px.cache().onResponse(cacheEx, status, NettyFields.from(response.headers()));
                cacheEx = null;
                if (d instanceof ResponseDecision.Serve serve) {
                    ReferenceCountUtil.release(response);
                    abortUpstream();
                    serveHit(serve.response());
                    return false;
                }
                if (d instanceof ResponseDecision.Refetch) {
                    ReferenceCountUtil.release(response);
                    abortUpstream();
                    onLookup(px.cache().lookup(NettyFields.request(request, tenant.name(), info.scheme(),
                            hostOnly(request.headers().get(HttpHeaderNames.HOST)).toLowerCase(java.util.Locale.ROOT))));
                    return false;
                }
                List<String> strip = d instanceof ResponseDecision.Store st ? st.stripHeaders()
                        : ((ResponseDecision.Pass) d).stripHeaders();
                strip.forEach(response.headers()::remove);
                response.headers().add(CACHE_STATUS, d.cacheStatus());
                cacheStatus = d.cacheStatus();
                if (d instanceof ResponseDecision.Store st) {
                    collector = st.collector();
                }
            }
            boolean bodyless = request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
            boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
            closeDelimited = !bodyless && !framed;
            rt.forward().downstreamResponse(response, http2, false);
            HttpHeaders h = response.headers();
            if (!http2) {
                boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
                if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    if (http10) {
                        forceClose = true; // the end of the body is the end of the connection
                    } else {
                        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    }
                }
                if (closeAfter() || forceClose) {
                    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                } else if (http10) {
                    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
            }
            response.setProtocolVersion(HttpVersion.HTTP_1_1);
            responseStarted = true;
            if (!(response instanceof HttpContent)) {
                down.write(response);
            }
            return true;
        }

        @Override
        public void onUpstreamReadComplete() {
            if (done || responseComplete || conn == null) {
                return;
            }
            if (responseStarted) {
                down.flush();
                if (!down.isWritable()) {
                    return; // resumed by onDownstreamWritable
                }
            }
            conn.channel().read();
        }

        @Override
        public void onUpstreamWritable() {
            pumpRequestBody();
        }

        void onDownstreamWritable() {
            if (!done && hitBody != null) {
                writeHitSegments();
                return;
            }
            if (!done && responseStarted && !responseComplete && conn != null) {
                conn.channel().read();
            }
        }

        @Override
        public void onUpstreamClosed(Throwable cause) {
            conn = null;
            if (done) {
                return;
            }
            if (responseComplete) {
                return;
            }
            cluster.onFailure(endpoint);
            String kind = cause instanceof SSLException ? "tls" : "reset";
            px.metrics().upstreamError(tenant.name(), cluster.name(), kind);
            if (responseStarted) {
                abortDownstream();
                return;
            }
            failOrRetry(false, HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection");
        }

        void onDownstreamClosed() {
            if (done) {
                return;
            }
            done = true;
            current = null;
            cancelTimers();
            abortUpstream();
            if (wsLease != null) {
                wsLease.release();
                wsLease = null;
            }
            if (cacheEx != null) {
                px.cache().abandon(cacheEx);
                cacheEx = null;
            }
            finishClusterAccounting();
        }

        /**
         * A connect failure, or a reset before any response byte: try another endpoint when the policy and
         * the budget allow, else answer.
         */
        private void failOrRetry(boolean connectPhase, HttpResponseStatus status, String reason) {
            if (canRetry(connectPhase)) {
                retry();
            } else {
                fail(status, reason);
            }
        }

        private boolean canRetry(boolean connectPhase) {
            if (responseStarted || done) {
                return false;
            }
            boolean replayable = connectPhase && requestBodyBytes == 0 || idempotent && !requestHasBody;
            if (!replayable) {
                return false;
            }
            boolean keepAliveRace = !connectPhase && conn == null && endpoint != null && attempts == 0;
            if (attempts >= route.retry().attempts() && !keepAliveRace) {
                return false;
            }
            if (!retryClaimed) {
                if (!cluster.tryStartRetry(route.retry().budgetPercent())) {
                    return false;
                }
                retryClaimed = true;
            }
            return true;
        }

        private void retry() {
            attempts++;
            headSent = false;
            requestSent = false;
            EndpointState failed = endpoint;
            attempt(failed);
        }

        /**
         * Acts on a passed deadline.
         *
         * @return the next deadline to check, or 0 for none
         */
        long checkDeadlines(long now) {
            if (done) {
                return 0;
            }
            if (firstByteDeadline != 0 && now - firstByteDeadline >= 0) {
                firstByteTimeout();
                return 0;
            }
            if (totalDeadline != 0 && now - totalDeadline >= 0) {
                totalTimeout();
                return 0;
            }
            long next = 0;
            if (firstByteDeadline != 0) {
                next = firstByteDeadline;
            }
            if (totalDeadline != 0 && (next == 0 || totalDeadline - next < 0)) {
                next = totalDeadline;
            }
            return next;
        }

        private void totalTimeout() {
            totalDeadline = 0;
            if (done) {
                return;
            }
            px.metrics().timeout("total");
            if (responseStarted) {
                abortUpstream();
                abortDownstream();
            } else {
                abortUpstream();
                fail(HttpResponseStatus.GATEWAY_TIMEOUT, "request did not complete in time");
            }
        }

        private void firstByteTimeout() {
            firstByteDeadline = 0;
            if (done || responseStarted) {
                return;
            }
            px.metrics().timeout("first_byte");
            px.metrics().upstreamError(tenant.name(), cluster.name(), "timeout");
            abortUpstream();
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream did not answer in time");
        }

        /** Answers with the proxy's own error; the exchange ends. */
        private void fail(HttpResponseStatus st, String reason) {
            if (done) {
                return;
            }
            abortUpstream();
            if (cacheEx != null) {
                ResponseDecision d = px.cache().onError(cacheEx);
                cacheEx = null;
                if (d instanceof ResponseDecision.Serve serve && st.code() >= 500) {
                    serveHit(serve.response());
                    return;
                }
                cacheStatus = d.cacheStatus();
            }
            finish(st.code());
            boolean close = !http2 && (!requestComplete || closeAfter());
            FullHttpResponse error = ErrorResponses.build(down.alloc(), st, reason, requestId, close);
            if (cacheStatus != null) {
                error.headers().set(CACHE_STATUS, cacheStatus);
            }
            sendError(error, close);
            if (!close && !http2) {
                awaitNext();
            }
        }

        /** The response is complete downstream. */
        private void complete() {
            if (done) {
                return;
            }
            boolean reusable = upstreamKeepAlive && requestSent && !closeDelimited;
            UpstreamConnection c = conn;
            conn = null;
            if (c != null) {
                c.release(reusable);
            }
            boolean unreadBody = requestHasBody && !requestComplete;
            boolean close = unreadBody || !http2 && (closeAfter() || forceClose);
            finish(status);
            if (close) {
                // over HTTP/1.1 the connection closes; an HTTP/2 stream whose client is still sending is reset with
                // NO_ERROR once the response is out (RFC 9113 section 8.1), which frees its slot
                down.close();
            } else if (!http2) {
                awaitNext(); // the request is complete: an unfinished body closes above
            }
        }

        private void finish(int code) {
            done = true;
            current = null;
            if (wsLease != null) {
                wsLease.release();
                wsLease = null;
            }
            cancelTimers();
            finishClusterAccounting();
            long nanos = now() - startNanos;
            if (tenant != null && cluster != null && headSent) {
                px.metrics().upstreamFinished(tenant.name(), cluster.name(), nanos);
            }
            finishMetrics(code, nanos);
        }

        void finishMetrics(int code) {
            finishMetrics(code, now() - startNanos);
        }

        private void finishMetrics(int code, long nanos) {
            String routeLabel = route == null ? "-" : routeLabel(route.index());
            px.metrics().requestFinished(tenant == null ? "-" : tenant.name(), routeLabel, code, nanos);
            AccessLog log = px.accessLog();
            if (log != null) {
                HttpHeaders h = request.headers();
                log.log(new AccessRecord(java.time.Instant.now(), info.clientIp(), request.method().name(),
                        h.get(HttpHeaderNames.HOST), request.uri(), http2 ? "HTTP/2" : request.protocolVersion().text(),
                        code, bytesSent, nanos, tenant == null ? "-" : tenant.name(), routeLabel,
                        cluster == null ? "-" : cluster.name(), cacheStatus, requestId,
                        h.get(HttpHeaderNames.REFERER), h.get(HttpHeaderNames.USER_AGENT)));
            }
        }

        private void finishClusterAccounting() {
            if (cluster != null && upstreamHead != null) {
                cluster.requestFinished();
                upstreamHead = null;
            }
            if (retryClaimed) {
                cluster.retryFinished();
                retryClaimed = false;
            }
        }

        private void abortUpstream() {
            if (collector != null) {
                collector.abort();
                collector = null;
            }
            UpstreamConnection c = conn;
            conn = null;
            if (c != null) {
                c.release(false);
            }
        }

        /** The response cannot be completed: cut the downstream so the client sees a truncation, not an end. */
        private void abortDownstream() {
            done = true;
            current = null;
            if (wsLease != null) {
                wsLease.release();
                wsLease = null;
            }
            cancelTimers();
            finishClusterAccounting();
            finishMetrics(status == 0 ? 502 : status);
            down.abort();
        }

        private void cancelTimers() {
            totalDeadline = 0;
            firstByteDeadline = 0;
        }
    }

    private static final String[] ROUTE_LABELS = new String[256];

    static {
        for (int i = 0; i < ROUTE_LABELS.length; i++) {
            ROUTE_LABELS[i] = Integer.toString(i);
        }
    }

    /** The metric label of a route index, without a string per request for the usual few routes. */
    private static String routeLabel(int index) {
        return index < ROUTE_LABELS.length ? ROUTE_LABELS[index] : Integer.toString(index);
    }

    /** An HTTP/1.1 WebSocket opening handshake: GET with Upgrade: websocket and Connection: upgrade. */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders h = request.headers();
        return request.method().equals(HttpMethod.GET)
                && h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The host of a Host header value, without port or brackets, or null. */
    static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? hostHeader : hostHeader.substring(1, end);
        }
        int colon = hostHeader.lastIndexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

}
