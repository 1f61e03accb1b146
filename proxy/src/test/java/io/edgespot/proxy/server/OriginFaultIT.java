package io.edgespot.proxy.server;

import static io.edgespot.proxy.server.ScriptedOrigin.raw;
import static io.edgespot.proxy.server.ScriptedOrigin.thenClose;
import static io.edgespot.proxy.server.ScriptedOrigin.thenReset;
import static io.edgespot.proxy.server.ScriptedOrigin.thenStall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Origins that break the protocol: garbage or an invalid status instead of a status line, invalid framing,
 * oversized or invalid header fields, resets and stalls part way, plaintext where TLS is configured, and a cached
 * entry served stale when the origin fails (RFC 5861 stale-if-error).
 *
 * <p>A fault found before the response head is forwarded gets the proxy's own JSON error (502, or 504 for a
 * stall); once the head went downstream, the client connection is cut so the client sees an incomplete
 * response, never a complete but truncated one. After each case another client is served, and the proxy has
 * closed every upstream connection of the faulty origin (buffer leaks fail the class through the leak check).
 * Upstream TLS with a wrong CA or name, or without the client certificate the origin requires, and a stall before
 * the first response byte are covered in {@link UpstreamIT}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class OriginFaultIT {

    /** A response fresh for one second and then usable on errors; the origin closes after it (nothing pooled). */
    private static final String CACHEABLE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            + "Cache-Control: public, max-age=1, stale-if-error=600\r\nContent-Length: %d\r\n\r\n%s";

    @TempDir
    static Path dir;
    static TestPki pki;
    static final Map<String, ScriptedOrigin.Answer> ANSWERS = new ConcurrentHashMap<>();
    static ScriptedOrigin faulty;
    static ScriptedOrigin gone;
    static TestOrigin good;
    static TestOrigin plain;
    static EdgeFixture edge;
    static HttpClient h2;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate("acme").writeEncrypted(dir.resolve("acme.keyset"), kek.aead());
        faulty = new ScriptedOrigin(uri -> ANSWERS.getOrDefault(uri, raw("HTTP/1.1 404 Not Found\r\n"
                + "Content-Length: 0\r\n\r\n")));
        gone = new ScriptedOrigin(uri -> thenClose(CACHEABLE.formatted(9, "kept body")));
        good = TestOrigin.http("good");
        plain = TestOrigin.http("plain");
        String noOutlier = "outlier: { consecutiveFailures: 0, consecutive5xx: 0 }";
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 1s }
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false, http2: false }
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                accessLog: { enabled: false }
                keys: { kek: "file:kek.json" }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    keyset: { file: acme.keyset }
                    cache: { maxBytes: 16MiB }
                    clusters:
                      faulty: { endpoints: [ "127.0.0.1:%1$d" ], %5$s }
                      gone: { endpoints: [ "127.0.0.1:%2$d" ], %5$s }
                      good: { endpoints: [ "127.0.0.1:%3$d" ] }
                      plaintls: { endpoints: [ "127.0.0.1:%4$d" ], tls: { ca: ca.crt, sni: localhost }, %5$s }
                    routes:
                      - { match: { pathPrefix: /good/ }, to: good }
                      - { match: { pathPrefix: /plaintls/ }, to: plaintls, retry: { attempts: 0 } }
                      - { match: { pathPrefix: /gone/ }, to: gone, retry: { attempts: 0 } }
                      - { match: { pathPrefix: /stale/ }, to: faulty, retry: { attempts: 0 } }
                      - { match: { pathPrefix: /stall/ }, to: faulty, cache: false, retry: { attempts: 0 }, timeouts: { firstByte: 1s, total: 2s } }
                      - { to: faulty, cache: false, retry: { attempts: 0 } }
                """.formatted(faulty.port(), gone.port(), good.port(), plain.port(), noOutlier));
        h2 = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        faulty.close();
        gone.close();
        good.close();
        plain.close();
    }

    /** Another client is served, and the proxy let go of every connection to the faulty origin. */
    @AfterEach
    void othersAreServedAndNoUpstreamConnectionIsLeft() throws Exception {
        RawConnection.Result r = get("/good/after");
        assertThat(r.statuses()).as(r.text()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo("origin good /good/after\n");
        await("the proxy closed its connections to the faulty origin", () -> faulty.openConnections() == 0
                && edge.metric("edgespot_upstream_connections", "cluster=\"faulty\"") == 0);
    }

    // ------------------------------------------------------------------ no valid status line

    @Test
    void garbageInsteadOfAStatusLineGets502() throws Exception {
        ANSWERS.put("/garbage", raw("SSH-2.0-OpenSSH_9.6 garbage-from-origin\r\n\r\n"));
        assertProxyError(get("/garbage"), 502);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 999 Beyond", "HTTP/1.1 42 Short", "HTTP/1.1 2000 Long", "HTTP/1.1 2x0 Hex",
            "HTTP/1.1 -20 Negative", "HTTP/1.1 600 Past"})
    void invalidStatusCodeGets502(String statusLine) throws Exception {
        String uri = "/status-" + Integer.toHexString(statusLine.hashCode());
        ANSWERS.put(uri, raw(statusLine + "\r\nContent-Length: 2\r\n\r\nok"));
        assertProxyError(get(uri), 502);
    }

    @Test
    void http09StyleBareBodyGets502() throws Exception {
        ANSWERS.put("/bare-lines", thenClose("<html>\n<body>bare body from origin</body>\n</html>\n"));
        assertProxyError(get("/bare-lines"), 502);
        ANSWERS.put("/bare-word", thenClose("bare-body-without-a-line-end"));
        assertProxyError(get("/bare-word"), 502);
    }

    // ------------------------------------------------------------------ framing

    @Test
    void invalidChunkSizeCutsTheClientConnection() throws Exception {
        ANSWERS.put("/bad-chunk", raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n"));
        assertAborted(get("/bad-chunk"));
    }

    @Test
    void twoDifferingContentLengthsGet502() throws Exception {
        ANSWERS.put("/two-lengths", raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
        assertProxyError(get("/two-lengths"), 502);
    }

    @Test
    void contentLengthWithChunkedGets502() throws Exception {
        ANSWERS.put("/cl-te", raw("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\nsmuggl\r\n0\r\n\r\n"));
        assertProxyError(get("/cl-te"), 502);
    }

    @Test
    void bodyShorterThanContentLengthThenCloseCutsTheClientConnection() throws Exception {
        ANSWERS.put("/short-body", thenClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "s".repeat(20)));
        assertAborted(get("/short-body"));
        assertThatThrownBy(() -> h2("/short-body")).isInstanceOf(IOException.class);
    }

    @Test
    void bytesPastAResponseDoNotReachTheNextExchangeOnThatConnection() throws Exception {
        // The origin keeps the connection open after sending more than its Content-Length; a second request on the
        // same client connection (so the same event loop and upstream pool) must get the origin's answer, not 502.
        ANSWERS.put("/overlong", raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSTRAY-BYTES"));
        ANSWERS.put("/after-overlong", raw("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        RawConnection.Result r = RawConnection.exchange(edge.port("plain"), "GET /overlong HTTP/1.1\r\n"
                + "Host: localhost\r\n\r\nGET /after-overlong HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n", 8000);
        assertThat(r.statuses()).as(r.text()).containsExactly(200, 404);
        assertThat(r.responses().get(0).body()).isEqualTo("ok");
    }

    @Test
    void transferCodingOtherThanChunkedGets502() throws Exception {
        ANSWERS.put("/gzip-coding", thenClose("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nnot-framed"));
        assertProxyError(get("/gzip-coding"), 502);
    }

    // ------------------------------------------------------------------ interim responses

    @Test
    void interimResponsesAreDroppedAndTheFinalOneIsServed() throws Exception {
        ANSWERS.put("/early-hints", raw("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                + "final"));
        RawConnection.Result r = get("/early-hints");
        assertThat(r.statuses()).as(r.text()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo("final");
        assertThat(h2("/early-hints").body()).isEqualTo("final");
    }

    @Test
    void switchingProtocolsWithoutAnUpgradeRequestGets502() throws Exception {
        ANSWERS.put("/unasked-101", raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\n\u0081\u0002hi"));
        assertProxyError(get("/unasked-101"), 502);
    }

    // ------------------------------------------------------------------ header fields

    @Test
    void oversizedHeaderFieldGets502() throws Exception {
        ANSWERS.put("/big-header", raw("HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(70_000)
                + "\r\nContent-Length: 2\r\n\r\nok"));
        assertProxyError(get("/big-header"), 502);
    }

    @Test
    void tooManyHeaderFieldsGet502() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 8000; i++) {
            head.append("X-Field-").append(i).append(": v\r\n");
        }
        ANSWERS.put("/many-headers", raw(head + "Content-Length: 2\r\n\r\nok"));
        assertProxyError(get("/many-headers"), 502);
    }

    @Test
    void nulOrBareCrInAHeaderFieldGets502() throws Exception {
        ANSWERS.put("/nul", raw("HTTP/1.1 200 OK\r\nX-Bad: a\0b\r\nContent-Length: 2\r\n\r\nok"));
        assertProxyError(get("/nul"), 502);
        ANSWERS.put("/bare-cr", raw("HTTP/1.1 200 OK\r\nX-Bad: a\rSet-Cookie: injected=1\r\nContent-Length: 2\r\n"
                + "\r\nok"));
        assertProxyError(get("/bare-cr"), 502);
    }

    @Test
    void obsFoldInAHeaderFieldGets502() throws Exception {
        ANSWERS.put("/obs-fold", raw("HTTP/1.1 200 OK\r\nX-Folded: a\r\n Set-Cookie: injected=1\r\n"
                + "Content-Length: 2\r\n\r\nok"));
        assertProxyError(get("/obs-fold"), 502);
    }

    // ------------------------------------------------------------------ resets and stalls

    @Test
    void resetMidBodyCutsTheClientConnection() throws Exception {
        ANSWERS.put("/reset-mid-body", thenReset("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
                + "r".repeat(3000)));
        assertAborted(get("/reset-mid-body"));
        assertThatThrownBy(() -> h2("/reset-mid-body")).isInstanceOf(IOException.class);
    }

    @Test
    void stallInTheStatusLineGets504AtTheFirstByteTimeout() throws Exception {
        ANSWERS.put("/stall/head", thenStall("HTTP/1.1 200 O"));
        long t0 = System.nanoTime();
        RawConnection.Result r = get("/stall/head");
        assertProxyError(r, 504);
        assertThat(millisSince(t0)).as("firstByte is 1s").isBetween(900L, 1900L);
    }

    @Test
    void stallMidBodyCutsTheClientConnectionAtTheTotalTimeout() throws Exception {
        ANSWERS.put("/stall/body", thenStall("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "t".repeat(10)));
        long t0 = System.nanoTime();
        assertAborted(get("/stall/body"));
        assertThat(millisSince(t0)).as("total is 2s").isBetween(1900L, 3500L);
    }

    /**
     * One HTTP/2 connection, three streams started 400 ms apart on stalled origins: each gets its 504 at its own
     * first-byte deadline, which the connection's one timer must reach in turn, and the connection serves on.
     */
    @Test
    void http2StreamsStalledOneAfterAnotherGet504EachAtItsOwnFirstByteTimeout() throws Exception {
        ANSWERS.put("/stall/h2-head", thenStall("HTTP/1.1 200 O"));
        ANSWERS.put("/h2-after-stalls", thenClose("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        h2("/h2-after-stalls"); // the connection is up before the first stream starts its clock
        List<CompletableFuture<Long>> stalls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            stalls.add(h2.sendAsync(h2Request("/stall/h2-head"), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        assertThat(r.statusCode()).isEqualTo(504);
                        return millisSince(t0);
                    }));
            Thread.sleep(400);
        }
        for (CompletableFuture<Long> stall : stalls) {
            assertThat(stall.get(10, TimeUnit.SECONDS)).as("firstByte is 1s").isBetween(900L, 1900L);
        }
        assertThat(h2("/h2-after-stalls").body()).isEqualTo("ok");
    }

    @Test
    void http2StreamStalledMidBodyIsResetAtTheTotalTimeout() throws Exception {
        ANSWERS.put("/stall/h2-body", thenStall("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "t".repeat(10)));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> h2("/stall/h2-body")).isInstanceOf(IOException.class);
        assertThat(millisSince(t0)).as("total is 2s").isBetween(1900L, 3500L);
    }

    // ------------------------------------------------------------------ upstream TLS

    @Test
    void plaintextOriginOnATlsClusterGets502() throws Exception {
        assertProxyError(get("/plaintls/x"), 502);
        assertThat(plain.hits.get()).as("the origin never parsed a request").isZero();
        assertThat(edge.metric("edgespot_upstream_errors_total", "cluster=\"plaintls\"", "kind=\"tls\""))
                .isPositive();
    }

    // ------------------------------------------------------------------ stale-if-error

    @Test
    void staleEntryIsServedWhenTheOriginAnswersGarbage() throws Exception {
        ANSWERS.put("/stale/garbage", thenClose(CACHEABLE.formatted(12, "stored body!")));
        assertThat(get("/stale/garbage").responses().get(0).body()).isEqualTo("stored body!");
        ANSWERS.put("/stale/garbage", raw("NOT HTTP AT ALL\r\n\r\n"));
        Thread.sleep(1200); // max-age=1: let the stored entry go stale

        RawConnection.Result r = get("/stale/garbage");

        assertThat(r.statuses()).as(r.text()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo("stored body!");
        assertThat(faulty.requests.get()).isPositive();
    }

    @Test
    void staleEntryIsServedWhenTheOriginRefusesConnections() throws Exception {
        assertThat(get("/gone/page").responses().get(0).body()).isEqualTo("kept body");
        gone.close(); // the port now refuses connections, and the pooled connection is closed
        Thread.sleep(1200); // max-age=1: let the stored entry go stale

        RawConnection.Result r = get("/gone/page");

        assertThat(r.statuses()).as(r.text()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo("kept body");
        assertThat(edge.metric("edgespot_upstream_errors_total", "cluster=\"gone\"", "kind=\"connect\""))
                .isPositive();
    }

    // ------------------------------------------------------------------ helpers

    private static RawConnection.Result get(String path) throws IOException {
        return RawConnection.exchange(edge.port("plain"), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n", 8000);
    }

    private static HttpResponse<String> h2(String path) throws Exception {
        return h2.send(h2Request(path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest h2Request(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + edge.port("tls") + path))
                .timeout(Duration.ofSeconds(8)).build();
    }

    /** The proxy's own error: the status, its JSON body with a fixed reason, nothing of the origin's bytes. */
    private static void assertProxyError(RawConnection.Result r, int status) {
        assertThat(r.statuses()).as(r.text()).containsExactly(status);
        RawConnection.Response response = r.responses().get(0);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(response.body()).startsWith("{\"status\":" + status + ",\"reason\":\"")
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("origin");
        assertThat(r.closed()).isTrue();
    }

    /** The client got no complete response, and its connection was closed. */
    private static void assertAborted(RawConnection.Result r) {
        assertThat(r.closed()).as(r.text()).isTrue();
        assertThat(r.responses()).as(r.text()).isEmpty();
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after 5s waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
