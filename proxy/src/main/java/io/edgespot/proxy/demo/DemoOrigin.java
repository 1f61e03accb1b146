package io.edgespot.proxy.demo;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process HTTP/1.1 origin for {@code edgespot demo}: it stands in for the customer's central data tier.
 *
 * <p>It binds {@code 127.0.0.1} on an ephemeral port and serves:
 * <ul>
 *   <li>{@code GET /}: an HTML page, {@code Cache-Control: public, max-age=60}, with an {@code ETag} and a
 *       visible generation time and number. Every full response from the origin is a new generation, so the
 *       same time on a second fetch means the proxy answered from its cache. An {@code If-None-Match} naming
 *       the latest generation is answered with 304.</li>
 *   <li>{@code GET /static/app.css}, {@code /static/app.js} and {@code /static/large.bin} (256 KiB of
 *       pseudo-random bytes, for the streaming cipher): {@code Cache-Control: public, max-age=3600}, a strong
 *       {@code ETag} and {@code Last-Modified}; conditional requests are answered with 304.</li>
 *   <li>{@code GET /api/time}: {@code {"now":...,"served":N}}, {@code Cache-Control: no-store}.</li>
 *   <li>{@code /api/echo} (any method): the method, target and headers it received, and the request body
 *       size, as JSON with {@code Cache-Control: no-store}; bodies above 16 MiB get 413.</li>
 *   <li>a WebSocket at {@code /ws/echo} that echoes text and binary messages.</li>
 *   <li>{@code GET /healthz}: 200.</li>
 * </ul>
 * {@code HEAD} is answered wherever {@code GET} is. {@link #hits(String)} counts requests per path (WebSocket
 * handshakes included), so a test can tell whether a proxy in front served from its cache.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} block and must not be called on a Vert.x event loop.
 */
public final class DemoOrigin implements AutoCloseable {

    /** Size of {@code /static/large.bin}. */
    public static final int LARGE_BYTES = 256 * 1024;
    /** Largest request body {@code /api/echo} accepts (413 above). */
    public static final long MAX_ECHO_BODY_BYTES = 16L << 20;

    static final String PAGE_CACHE_CONTROL = "public, max-age=60";
    static final String STATIC_CACHE_CONTROL = "public, max-age=3600";
    static final String NO_STORE = "no-store";

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final long TIMEOUT_SECONDS = 30;
    private static final Map<String, Asset> ASSETS = assets();

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicLong timeServed = new AtomicLong();
    private final Object pageLock = new Object();
    private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final String lastModified = HTTP_DATE.format(startedAt);
    private long pageGeneration;
    private String pageEtag = "";
    private volatile HttpServer server;

    /** Creates an origin with its own small Vert.x instance, closed by {@link #close()}. */
    public DemoOrigin() {
        this(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)), true);
    }

    /**
     * Creates an origin on a Vert.x instance owned by the caller; {@link #close()} leaves it running.
     *
     * @param vertx the Vert.x instance to serve on
     */
    public DemoOrigin(Vertx vertx) {
        this(Objects.requireNonNull(vertx, "vertx"), false);
    }

    private DemoOrigin(Vertx vertx, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
    }

    /**
     * Binds {@code 127.0.0.1} on an ephemeral port and starts serving.
     *
     * @return the bound port
     * @throws IllegalStateException if already started, or if the server cannot bind
     */
    public synchronized int start() {
        if (server != null) {
            throw new IllegalStateException("demo origin already started on port " + server.actualPort());
        }
        HttpServerOptions options = new HttpServerOptions()
                .setMaxWebSocketFrameSize(1 << 20)
                .setMaxWebSocketMessageSize(1 << 20);
        HttpServer s = vertx.createHttpServer(options)
                .requestHandler(router())
                .webSocketHandshakeHandler(this::handshake)
                .webSocketHandler(DemoOrigin::echo);
        server = await(s.listen(0, "127.0.0.1"), "start the demo origin");
        return server.actualPort();
    }

    /**
     * Returns the bound port.
     *
     * @return the port, or 0 before {@link #start()}
     */
    public int port() {
        HttpServer s = server;
        return s == null ? 0 : s.actualPort();
    }

    /**
     * Counts the requests this origin received for a path, WebSocket handshakes included.
     *
     * @param path a request path without query, such as {@code /static/app.css}
     * @return how many requests for it reached the origin
     */
    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /**
     * Counts every request this origin received.
     *
     * @return the total over all paths
     */
    public int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /**
     * Returns the exact body of a static asset, to compare with what a proxy delivered.
     *
     * @param path {@code /static/app.css}, {@code /static/app.js} or {@code /static/large.bin}
     * @return a copy of the body
     * @throws IllegalArgumentException for any other path
     */
    public static byte[] asset(String path) {
        Asset a = ASSETS.get(path);
        if (a == null) {
            throw new IllegalArgumentException("no demo asset at " + path + " (assets: " + ASSETS.keySet() + ")");
        }
        return a.body.getBytes();
    }

    /** Stops the server and, if this origin created it, its Vert.x instance. Idempotent. */
    @Override
    public synchronized void close() {
        HttpServer s = server;
        server = null;
        try {
            if (s != null) {
                await(s.close(), "stop the demo origin");
            }
        } finally {
            if (ownsVertx) {
                await(vertx.close(), "close the demo origin's Vert.x instance");
            }
        }
    }

    // ---------------------------------------------------------------- routes

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            hits.computeIfAbsent(ctx.request().path(), p -> new AtomicInteger()).incrementAndGet();
            ctx.response().putHeader("Date", HTTP_DATE.format(Instant.now()));
            ctx.next();
        });
        router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::page);
        router.route("/static/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::staticAsset);
        router.route("/api/time").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::time);
        router.route("/api/echo")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_ECHO_BODY_BYTES))
                .handler(DemoOrigin::echoRequest);
        router.route("/healthz").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
                .putHeader("Cache-Control", NO_STORE)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("ok\n"));
        return router;
    }

    private void page(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().putHeader("Cache-Control", PAGE_CACHE_CONTROL);
        long generation;
        String etag;
        synchronized (pageLock) {
            etag = pageEtag;
            if (!etag.isEmpty() && matches(ctx.request().getHeader("If-None-Match"), etag)) {
                generation = 0;
            } else {
                generation = ++pageGeneration;
                etag = "\"page-" + generation + "\"";
                pageEtag = etag;
            }
        }
        response.putHeader("ETag", etag);
        if (generation == 0) {
            response.setStatusCode(304).end();
        } else {
            end(ctx, "text/html; charset=utf-8", Buffer.buffer(DemoPage.html(generation,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS)), "UTF-8"));
        }
    }

    private void staticAsset(RoutingContext ctx) {
        Asset a = ASSETS.get(ctx.request().path());
        if (a == null) {
            ctx.next();
            return;
        }
        HttpServerResponse response = ctx.response()
                .putHeader("Cache-Control", STATIC_CACHE_CONTROL)
                .putHeader("ETag", a.etag)
                .putHeader("Last-Modified", lastModified);
        HttpServerRequest request = ctx.request();
        String inm = request.getHeader("If-None-Match");
        boolean notModified = inm != null ? matches(inm, a.etag)
                : notModifiedSince(request.getHeader("If-Modified-Since"), startedAt);
        if (notModified) {
            response.setStatusCode(304).end();
            return;
        }
        end(ctx, a.contentType, a.body);
    }

    private void time(RoutingContext ctx) {
        JsonObject json = new JsonObject()
                .put("now", Instant.now().toString())
                .put("served", timeServed.incrementAndGet());
        ctx.response()
                .putHeader("Cache-Control", NO_STORE)
                .putHeader("Content-Type", "application/json")
                .end(json.encode() + "\n");
    }

    private static void echoRequest(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        JsonObject headers = new JsonObject();
        MultiMap in = request.headers();
        for (String name : in.names()) {
            JsonArray values = new JsonArray();
            in.getAll(name).forEach(values::add);
            headers.put(name.toLowerCase(Locale.ROOT), values);
        }
        JsonObject json = new JsonObject()
                .put("method", request.method().name())
                .put("uri", request.uri())
                .put("path", request.path())
                .put("query", request.query())
                .put("version", request.version().alpnName())
                .put("remoteAddress", String.valueOf(request.remoteAddress()))
                .put("headers", headers)
                .put("bodyBytes", ctx.body().buffer() == null ? 0 : ctx.body().buffer().length());
        ctx.response()
                .putHeader("Cache-Control", NO_STORE)
                .putHeader("Content-Type", "application/json")
                .end(json.encodePrettily() + "\n");
    }

    private void handshake(ServerWebSocketHandshake handshake) {
        hits.computeIfAbsent(handshake.path(), p -> new AtomicInteger()).incrementAndGet();
        if ("/ws/echo".equals(handshake.path())) {
            handshake.accept();
        } else {
            handshake.reject(404);
        }
    }

    private static void echo(ServerWebSocket ws) {
        ws.textMessageHandler(ws::writeTextMessage);
        ws.binaryMessageHandler(ws::writeBinaryMessage);
        ws.exceptionHandler(e -> ws.close());
    }

    // ---------------------------------------------------------------- helpers

    /** Ends with a body; a HEAD response carries the same Content-Length without the body. */
    private static void end(RoutingContext ctx, String contentType, Buffer body) {
        HttpServerResponse response = ctx.response().putHeader("Content-Type", contentType);
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", String.valueOf(body.length())).end();
        } else {
            response.end(body);
        }
    }

    /** Weak comparison of an If-None-Match list with an entity tag (RFC 9110, 13.1.2). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag.isEmpty()) {
            return false;
        }
        String ours = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || opaque(c).equals(ours)) {
                return true;
            }
        }
        return false;
    }

    /** If-Modified-Since (RFC 9110, 13.1.3): true when the resource has not changed since the given date. */
    static boolean notModifiedSince(String ifModifiedSince, Instant lastModified) {
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            return !lastModified.isAfter(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(ifModifiedSince)));
        } catch (DateTimeException e) {
            return false; // an invalid date is ignored
        }
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer within " + TIMEOUT_SECONDS + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what);
        }
    }

    private static Map<String, Asset> assets() {
        Map<String, Asset> m = new LinkedHashMap<>();
        m.put("/static/app.css", new Asset("text/css; charset=utf-8",
                Buffer.buffer(DemoPage.CSS.getBytes(StandardCharsets.UTF_8))));
        m.put("/static/app.js", new Asset("text/javascript; charset=utf-8",
                Buffer.buffer(DemoPage.JS.getBytes(StandardCharsets.UTF_8))));
        byte[] large = new byte[LARGE_BYTES];
        new SplittableRandom(0x5eed_ed9e_5b07L).nextBytes(large);
        m.put("/static/large.bin", new Asset("application/octet-stream", Buffer.buffer(large)));
        return Map.copyOf(m);
    }

    /** A static body with its type and strong entity tag. */
    private static final class Asset {
        final String contentType;
        final Buffer body;
        final String etag;

        Asset(String contentType, Buffer body) {
            this.contentType = contentType;
            this.body = body;
            this.etag = "\"" + sha256(body.getBytes()) + "\"";
        }

        private static String sha256(byte[] bytes) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
                return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
    }

    @Override
    public String toString() {
        return "DemoOrigin[127.0.0.1:" + port() + "]";
    }
}
