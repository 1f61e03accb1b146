package io.edgespot.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class DemoOriginTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern GENERATED = Pattern.compile("id=\"generated\">([^<]+)<");

    private DemoOrigin origin;
    private int port;
    private HttpClient client;

    @BeforeAll
    void start() {
        origin = new DemoOrigin();
        port = origin.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    @AfterAll
    void stop() {
        origin.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void bindsLoopbackOnAnEphemeralPort() {
        assertThat(port).isPositive();
        assertThat(origin.port()).isEqualTo(port);
        assertThat(origin).hasToString("DemoOrigin[127.0.0.1:" + port + "]");
        assertThatThrownBy(origin::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pageIsCacheableAndEveryOriginResponseIsANewGeneration() throws Exception {
        int before = origin.hits("/");
        HttpResponse<byte[]> first = get("/");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "Content-Type")).startsWith("text/html");
        assertThat(header(first, "Cache-Control")).isEqualTo("public, max-age=60");
        String etag = header(first, "ETag");
        assertThat(etag).matches("\"page-\\d+\"");
        String html = text(first);
        assertThat(html).contains("edgespot", "/static/app.css", "/static/large.bin", "/api/time", "/api/echo",
                "/ws/echo", "Cache-Status");
        Matcher m = GENERATED.matcher(html);
        assertThat(m.find()).isTrue();
        String firstStamp = m.group(1);

        HttpResponse<byte[]> second = get("/");
        assertThat(header(second, "ETag")).isNotEqualTo(etag);
        Matcher m2 = GENERATED.matcher(text(second));
        assertThat(m2.find()).isTrue();
        assertThat(text(second)).isNotEqualTo(html);
        assertThat(Instant.parse(m2.group(1))).isAfterOrEqualTo(Instant.parse(firstStamp));

        // A cache revalidating the latest generation gets 304 and keeps its copy (and its timestamp).
        HttpResponse<byte[]> revalidated = get("/", "If-None-Match", header(second, "ETag"));
        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();
        assertThat(header(revalidated, "ETag")).isEqualTo(header(second, "ETag"));
        assertThat(header(revalidated, "Cache-Control")).isEqualTo("public, max-age=60");

        // An older generation is not current any more.
        assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(200);
        assertThat(origin.hits("/")).isEqualTo(before + 4);
    }

    @Test
    void staticAssetsAreCacheableWithStrongEtagsAndExactBodies() throws Exception {
        for (String path : List.of("/static/app.css", "/static/app.js", "/static/large.bin")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(header(r, "Cache-Control")).isEqualTo("public, max-age=3600");
            assertThat(header(r, "ETag")).startsWith("\"").endsWith("\"").doesNotStartWith("W/");
            assertThat(header(r, "Last-Modified")).endsWith(" GMT");
            assertThat(r.body()).as(path).isEqualTo(DemoOrigin.asset(path));
            assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(r.body().length));
        }
        assertThat(header(get("/static/app.css"), "Content-Type")).startsWith("text/css");
        assertThat(header(get("/static/app.js"), "Content-Type")).startsWith("text/javascript");
        assertThat(header(get("/static/large.bin"), "Content-Type")).isEqualTo("application/octet-stream");
        assertThat(DemoOrigin.asset("/static/large.bin")).hasSize(DemoOrigin.LARGE_BYTES).hasSize(256 * 1024);
        // Pseudo-random, not a run of one byte: it exercises a cipher like real content.
        assertThat(Arrays.stream(box(DemoOrigin.asset("/static/large.bin"))).distinct().count()).isEqualTo(256);
        assertThat(DemoOrigin.asset("/static/large.bin")).isEqualTo(DemoOrigin.asset("/static/large.bin"));
        assertThatThrownBy(() -> DemoOrigin.asset("/static/nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(get("/static/nope").statusCode()).isEqualTo(404);
    }

    private static Byte[] box(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i];
        }
        return out;
    }

    @Test
    void conditionalRequestsForAssetsGet304() throws Exception {
        HttpResponse<byte[]> full = get("/static/large.bin");
        String etag = header(full, "ETag");
        HttpResponse<byte[]> r = get("/static/large.bin", "If-None-Match", etag);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        // No "Content-Length: 0": a cache must not take that as the length of the stored representation.
        assertThat(header(r, "Content-Length")).isNull();
        assertThat(header(r, "ETag")).isEqualTo(etag);
        assertThat(header(r, "Cache-Control")).isEqualTo("public, max-age=3600");
        // Weak comparison, lists and '*' (RFC 9110, If-None-Match).
        assertThat(get("/static/large.bin", "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
        assertThat(get("/static/large.bin", "If-None-Match", "\"other\", " + etag).statusCode()).isEqualTo(304);
        assertThat(get("/static/large.bin", "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(get("/static/large.bin", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        // If-Modified-Since counts only without If-None-Match.
        String lastModified = header(full, "Last-Modified");
        assertThat(get("/static/app.css", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        assertThat(get("/static/app.css", "If-Modified-Since", lastModified, "If-None-Match", "\"other\"")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void headAnswersLikeGetWithoutBody() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/static/app.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "ETag")).isEqualTo(header(get("/static/app.css"), "ETag"));
        assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(DemoOrigin.asset("/static/app.css").length));
    }

    @Test
    void timeApiIsUncacheableAndCountsUp() throws Exception {
        HttpResponse<byte[]> a = get("/api/time");
        HttpResponse<byte[]> b = get("/api/time");
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(header(a, "Cache-Control")).isEqualTo("no-store");
        assertThat(header(a, "Content-Type")).isEqualTo("application/json");
        JsonObject ja = new JsonObject(text(a));
        JsonObject jb = new JsonObject(text(b));
        assertThat(ja.getString("now")).endsWith("Z");
        assertThat(jb.getLong("served")).isEqualTo(ja.getLong("served") + 1);
    }

    @Test
    void echoShowsWhatTheOriginReceived() throws Exception {
        HttpResponse<byte[]> r = get("/api/echo?x=1", "X-Request-Id", "req-42", "Traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "X-Forwarded-For", "192.0.2.7");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
        JsonObject json = new JsonObject(text(r));
        assertThat(json.getString("method")).isEqualTo("GET");
        assertThat(json.getString("uri")).isEqualTo("/api/echo?x=1");
        assertThat(json.getString("path")).isEqualTo("/api/echo");
        assertThat(json.getString("query")).isEqualTo("x=1");
        assertThat(json.getString("version")).isEqualTo("http/1.1");
        assertThat(json.getString("remoteAddress")).startsWith("127.0.0.1:");
        JsonObject headers = json.getJsonObject("headers");
        assertThat(headers.getJsonArray("x-request-id").getList()).containsExactly("req-42");
        assertThat(headers.getJsonArray("traceparent").getString(0)).startsWith("00-0af7");
        assertThat(headers.getJsonArray("x-forwarded-for").getList()).containsExactly("192.0.2.7");
        assertThat(json.getInteger("bodyBytes")).isZero();
    }

    @Test
    void echoCountsAPostedBody() throws Exception {
        byte[] body = new byte[100_000];
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/api/echo"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject json = new JsonObject(text(r));
        assertThat(json.getString("method")).isEqualTo("POST");
        assertThat(json.getInteger("bodyBytes")).isEqualTo(100_000);
        assertThat(json.getJsonObject("headers").getJsonArray("content-length").getList())
                .containsExactly("100000");
    }

    @Test
    void healthzAndDateHeader() throws Exception {
        HttpResponse<byte[]> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r)).isEqualTo("ok\n");
        String date = header(r, "Date");
        assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
    }

    @Test
    void hitsArePerPath() throws Exception {
        int css = origin.hits("/static/app.css");
        int js = origin.hits("/static/app.js");
        int total = origin.totalHits();
        get("/static/app.css");
        get("/static/app.css?v=2");
        get("/static/app.css", "If-None-Match", "*");
        assertThat(origin.hits("/static/app.css")).isEqualTo(css + 3);
        assertThat(origin.hits("/static/app.js")).isEqualTo(js);
        assertThat(origin.hits("/never/asked")).isZero();
        assertThat(origin.totalHits()).isGreaterThanOrEqualTo(total + 3);
    }

    @Test
    void webSocketEchoesTextAndBinary() throws Exception {
        int before = origin.hits("/ws/echo");
        Listener listener = new Listener();
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/echo"), listener)
                .get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("hello edgespot", true).get(10, TimeUnit.SECONDS);
            assertThat(listener.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("text:hello edgespot");
            byte[] bin = DemoOrigin.asset("/static/large.bin");
            byte[] part = Arrays.copyOf(bin, 70_000); // larger than one 64 KiB frame of many clients
            ws.sendBinary(ByteBuffer.wrap(part), true).get(10, TimeUnit.SECONDS);
            Object echoed = listener.messages.poll(10, TimeUnit.SECONDS);
            assertThat(echoed).isInstanceOf(byte[].class);
            assertThat((byte[]) echoed).isEqualTo(part);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        }
        assertThat(origin.hits("/ws/echo")).isEqualTo(before + 1);
    }

    @Test
    void webSocketOnAnotherPathIsRefused() {
        CompletableFuture<WebSocket> f = client.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/other"), new Listener());
        WebSocketHandshakeException refused = null;
        try {
            f.join();
        } catch (CompletionException e) {
            for (Throwable t = e; t != null && refused == null; t = t.getCause()) {
                if (t instanceof WebSocketHandshakeException w) {
                    refused = w;
                }
            }
        }
        assertThat(refused).as("handshake refused").isNotNull();
        assertThat(refused.getResponse().statusCode()).isEqualTo(404);
    }

    @Test
    void aSharedVertxIsLeftRunning() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            DemoOrigin shared = new DemoOrigin(vertx);
            int p = shared.start();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p
                    + "/healthz")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            shared.close();
            shared.close();
            assertThat(shared.port()).isZero();
            // The Vert.x instance still works: a new origin starts on it.
            DemoOrigin again = new DemoOrigin(vertx);
            assertThat(again.start()).isPositive();
            again.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void entityTagComparison() {
        assertThat(DemoOrigin.matches(null, "\"a\"")).isFalse();
        assertThat(DemoOrigin.matches("\"a\"", "")).isFalse();
        assertThat(DemoOrigin.matches("\"a\"", "\"a\"")).isTrue();
        assertThat(DemoOrigin.matches(" W/\"a\" ", "\"a\"")).isTrue();
        assertThat(DemoOrigin.matches("\"b\",\"a\"", "\"a\"")).isTrue();
        assertThat(DemoOrigin.matches("\"ab\"", "\"a\"")).isFalse();
    }

    @Test
    void modifiedSinceComparison() {
        Instant lm = Instant.parse("2026-11-30T12:00:00Z");
        assertThat(DemoOrigin.notModifiedSince(null, lm)).isFalse();
        assertThat(DemoOrigin.notModifiedSince("Mon, 30 Nov 2026 12:00:00 GMT", lm)).isTrue();
        assertThat(DemoOrigin.notModifiedSince("Mon, 30 Nov 2026 13:00:00 GMT", lm)).isTrue();
        assertThat(DemoOrigin.notModifiedSince("Mon, 30 Nov 2026 11:59:59 GMT", lm)).isFalse();
        assertThat(DemoOrigin.notModifiedSince("yesterday", lm)).isFalse();
    }

    /** Collects whole messages: text as "text:..." strings, binary as byte arrays. */
    private static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final List<byte[]> binary = new ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add("text:" + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.add(chunk);
            if (last) {
                int n = binary.stream().mapToInt(b -> b.length).sum();
                byte[] all = new byte[n];
                int at = 0;
                for (byte[] b : binary) {
                    System.arraycopy(b, 0, all, at, b.length);
                    at += b.length;
                }
                binary.clear();
                messages.add(all);
            }
            ws.request(1);
            return null;
        }
    }
}
