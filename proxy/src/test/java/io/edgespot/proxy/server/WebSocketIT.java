package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.proxy.demo.DemoOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSockets through the proxy with an independent client (the JDK's) and server (the Vert.x demo origin): echo
 * over TLS, caps, drain spreading, idle timeout, frame size and an upstream that dies.
 */
final class WebSocketIT {

    @TempDir
    Path dir;
    TestPki pki;
    DemoOrigin origin;
    EdgeFixture edge;
    HttpClient client;

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        origin = new DemoOrigin();
        origin.start();
        client = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
    }

    @AfterEach
    void tearDown() {
        if (edge != null) {
            edge.close();
        }
        origin.close();
    }

    private void startEdge(String limits, String webSockets, int upstreamPort) throws Exception {
        edge = new EdgeFixture(dir, edgeYaml(limits, webSockets, upstreamPort, false));
    }

    /** One TLS listener and tenant {@code acme} with a WebSocket route under /ws/ and a plain one under /plain/. */
    static String edgeYaml(String limits, String webSockets, int upstreamPort, boolean http2) {
        return """
                server: { eventLoops: 2, shutdownGrace: 1s, drainWindow: 3s }
                listeners:
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: %s }
                admin: { enabled: false }
                limits: { %s }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    webSockets: { %s }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: /ws/ }, to: origin, webSocket: true }
                      - { match: { pathPrefix: /plain/ }, to: origin }
                """.formatted(http2, limits, webSockets, upstreamPort);
    }

    private URI wss(String path) {
        return URI.create("wss://localhost:" + edge.port("tls") + path);
    }

    /** Collects messages and the close status. */
    static final class Recorder implements WebSocket.Listener {
        final List<String> texts = new ArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile long closedAtNanos;
        final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                synchronized (texts) {
                    texts.add(partial.toString());
                    texts.notifyAll();
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closedAtNanos = System.nanoTime();
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closedAtNanos = System.nanoTime();
            closed.complete(-1);
        }

        String next() throws InterruptedException {
            synchronized (texts) {
                long deadline = System.currentTimeMillis() + 5000;
                while (texts.isEmpty() && System.currentTimeMillis() < deadline) {
                    texts.wait(100);
                }
                return texts.isEmpty() ? null : texts.remove(0);
            }
        }
    }

    private WebSocket open(String path, Recorder r) {
        return client.newWebSocketBuilder().buildAsync(wss(path), r).join();
    }

    @Test
    void echoOverTls() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10", origin.port());
        Recorder r = new Recorder();
        WebSocket ws = open("/ws/echo", r);
        for (int i = 0; i < 20; i++) {
            ws.sendText("hello " + i, true).join();
            assertThat(r.next()).isEqualTo("hello " + i);
        }
        String big = "x".repeat(200_000);
        ws.sendText(big, true).join();
        assertThat(r.next()).isEqualTo(big);
        ws.sendClose(1000, "bye").join();
        assertThat(r.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        // the proxy finishes its side of the close after the client has seen the close reply
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
             !edge.scrape().contains("edgespot_websockets_active{tenant=\"acme\"} 0.0") && System.nanoTime() < deadline; ) {
            Thread.sleep(20);
        }
        assertThat(edge.scrape()).contains("edgespot_websockets_active{tenant=\"acme\"} 0.0");
    }

    @Test
    void tenantCapAdmitsExactlyTheCapAndTheUpstreamSeesNoOther() throws Exception {
        startEdge("maxWebSockets: 100", "max: 3", origin.port());
        assertCapHolds(3);
    }

    @Test
    void instanceCapAdmitsExactlyTheCap() throws Exception {
        startEdge("maxWebSockets: 2", "max: 50", origin.port());
        assertCapHolds(2);
    }

    private void assertCapHolds(int cap) throws Exception {
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            open.add(open("/ws/echo", new Recorder()));
        }
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> open("/ws/echo", new Recorder()))
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                            .isEqualTo(503));
        }
        assertThat(origin.hits("/ws/echo")).isEqualTo(cap);
        open.get(0).sendClose(1000, "").join();
        Thread.sleep(300);
        open("/ws/echo", new Recorder()); // room again after a close
        assertThat(origin.hits("/ws/echo")).isEqualTo(cap + 1);
    }

    @Test
    void drainSpreadsClosesOverTheWindowWithGoingAway() throws Exception {
        startEdge("maxWebSockets: 100", "max: 100", origin.port());
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Recorder r = new Recorder();
            open("/ws/echo", r);
            recorders.add(r);
        }
        long start = System.nanoTime();
        edge.server.startDraining();
        assertThatThrownBy(() -> open("/ws/echo", new Recorder())).isInstanceOf(CompletionException.class);
        List<Long> offsets = new ArrayList<>();
        for (Recorder r : recorders) {
            assertThat(r.closed.get(6, TimeUnit.SECONDS)).isEqualTo(1001);
            offsets.add(TimeUnit.NANOSECONDS.toMillis(r.closedAtNanos - start));
        }
        offsets.sort(null);
        // spread across the 3 s window, not a burst: the first and last thirds of the window both see closes
        assertThat(offsets.get(offsets.size() - 1)).isLessThan(4000);
        assertThat(offsets.get(offsets.size() - 1) - offsets.get(0)).isGreaterThan(1500);
        long early = offsets.stream().filter(t -> t < 1000).count();
        long late = offsets.stream().filter(t -> t > 2000).count();
        assertThat(early).isBetween(2L, 25L);
        assertThat(late).isBetween(2L, 25L);
    }

    @Test
    void oversizedFrameClosesWith1009() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10, maxFrameBytes: 1KiB", origin.port());
        Recorder r = new Recorder();
        WebSocket ws = open("/ws/echo", r);
        ws.sendText("small", true).join();
        assertThat(r.next()).isEqualTo("small");
        ws.sendBinary(ByteBuffer.allocate(4096), true);
        assertThat(r.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void silentClientIsPingedThenClosedAfterTheIdleTimeout() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10, idleTimeout: 1s", origin.port());
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) pki.clientContext(null).getSocketFactory()
                .createSocket("localhost", edge.port("tls"))) {
            s.setSoTimeout(5000);
            javax.net.ssl.SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(params);
            handshake(s.getOutputStream(), s.getInputStream(), "/ws/echo");
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            int first = in.read();
            assertThat(first).isEqualTo(0x89); // a ping from the proxy
            in.skipNBytes(in.read() & 0x7f);
            int close = in.read(); // the client never answers: a close follows
            assertThat(close).isEqualTo(0x88);
            int len = in.read();
            int code = (in.read() << 8) | in.read();
            assertThat(code).isEqualTo(1000);
            assertThat(len).isGreaterThanOrEqualTo(2);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(500L, 3000L);
        }
    }

    @Test
    void upstreamThatDiesClosesTheClientWith1014() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress("127.0.0.1", 0));
            startEdge("maxWebSockets: 100", "max: 10", upstream.getLocalPort());
            Thread server = new Thread(() -> {
                try (Socket s = upstream.accept()) {
                    String req = readHead(s.getInputStream());
                    String key = req.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                            .findFirst().orElseThrow().substring(18).trim();
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(300);
                    s.setSoLinger(true, 0); // reset, no close frame
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            server.start();
            Recorder r = new Recorder();
            open("/ws/x", r);
            assertThat(r.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1014);
            server.join(5000);
        }
    }

    @Test
    void upgradeRetriedAfterA502KeepsItsPlaceUnderTheCap() throws Exception {
        try (ServerSocket bad = new ServerSocket()) {
            bad.bind(new InetSocketAddress("127.0.0.1", 0));
            java.util.concurrent.atomic.AtomicInteger badHits = new java.util.concurrent.atomic.AtomicInteger();
            Thread server = new Thread(() -> {
                while (!bad.isClosed()) {
                    try (Socket s = bad.accept()) {
                        readHead(s.getInputStream());
                        badHits.incrementAndGet();
                        s.getOutputStream().write(("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        // closed at the end of the test
                    }
                }
            });
            server.start();
            edge = new EdgeFixture(dir, """
                    server: { eventLoops: 1, shutdownGrace: 1s, drainWindow: 1s }
                    listeners:
                      - { name: tls, address: "127.0.0.1:0", tls: true }
                    admin: { enabled: false }
                    tenants:
                      - name: acme
                        hosts: [ "localhost" ]
                        certificate: { cert: acme.crt, key: acme.key }
                        webSockets: { max: 4 }
                        clusters:
                          origin: { endpoints: [ "127.0.0.1:%d", "127.0.0.1:%d" ] }
                        routes:
                          - { match: { pathPrefix: /ws/ }, to: origin, webSocket: true,
                              retry: { attempts: 1, on5xx: true, budgetPercent: 100 } }
                    """.formatted(bad.getLocalPort(), origin.port()));
            for (int i = 0; i < 4; i++) {
                Recorder r = new Recorder();
                WebSocket ws = client.newWebSocketBuilder().buildAsync(wss("/ws/echo"), r).get(10, TimeUnit.SECONDS);
                ws.sendText("after retry " + i, true).join();
                assertThat(r.next()).isEqualTo("after retry " + i);
            }
            assertThat(badHits.get()).isPositive(); // some upgrades met the 502 first and were retried
            assertThat(edge.server.webSockets("acme")).isEqualTo(4); // each holds its place
            assertThatThrownBy(() -> open("/ws/echo", new Recorder())).isInstanceOf(CompletionException.class);
            bad.close();
            server.join(5000);
        }
    }

    @Test
    void routeWithoutWebSocketsRefusesTheUpgrade() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10", origin.port());
        assertThatThrownBy(() -> open("/plain/ws", new Recorder()))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(403));
        assertThat(origin.totalHits()).isZero();
    }

    private static void handshake(OutputStream out, InputStream in, String path) throws Exception {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readHead(in)).startsWith("HTTP/1.1 101");
    }

    static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    static String accept(String key) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                .getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(d);
    }
}
