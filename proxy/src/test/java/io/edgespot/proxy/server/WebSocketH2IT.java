package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.proxy.demo.DemoOrigin;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSockets over HTTP/2 (RFC 8441) through the proxy: a Netty HTTP/2 client speaking extended CONNECT over TLS
 * with ALPN h2, against the Vert.x demo origin or a raw socket origin. Echo, caps (shared with HTTP/1.1), drain,
 * idle timeout, frame size, resets and an origin that dies.
 */
final class WebSocketH2IT {

    @TempDir
    Path dir;
    TestPki pki;
    DemoOrigin origin;
    EdgeFixture edge;
    final List<H2WebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        origin = new DemoOrigin();
        origin.start();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(H2WebSocketClient::close);
        if (edge != null) {
            edge.close();
        }
        origin.close();
    }

    private void startEdge(String limits, String webSockets, int upstreamPort) throws Exception {
        edge = new EdgeFixture(dir, WebSocketIT.edgeYaml(limits, webSockets, upstreamPort, true));
    }

    private H2WebSocketClient client() throws Exception {
        H2WebSocketClient c = new H2WebSocketClient(pki.clientContext(null), "localhost", edge.port("tls"));
        clients.add(c);
        return c;
    }

    private String authority() {
        return "localhost:" + edge.port("tls");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
             !condition.getAsBoolean() && System.nanoTime() < deadline; ) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    private double active() {
        return edge.metric("edgespot_websockets_active", "tenant=\"acme\"");
    }

    @Test
    void echoesTextBinaryAndALargeMessageOverOneStream() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10", origin.port());
        H2WebSocketClient c = client();
        H2WebSocketClient.Ws ws = c.open(authority(), "/ws/echo");
        assertThat(c.serverSettings.get().connectProtocolEnabled()).isTrue();
        assertThat(ws.status()).isEqualTo("200");
        for (int i = 0; i < 10; i++) {
            ws.send(new TextWebSocketFrame("hello " + i));
            assertThat(ws.next()).isEqualTo("hello " + i);
        }
        byte[] bin = new byte[5000];
        new Random(1).nextBytes(bin);
        ws.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bin)));
        assertThat(ws.next()).isEqualTo("binary:5000:" + ByteBufUtil.hashCode(Unpooled.wrappedBuffer(bin)));
        String big = "y".repeat(200 * 1024); // several times the stream windows both ways
        ws.send(new TextWebSocketFrame(big));
        assertThat(ws.next()).isEqualTo(big);
        assertThat(active()).isEqualTo(1.0);
        assertThat(origin.hits("/ws/echo")).isEqualTo(1);

        ws.send(new CloseWebSocketFrame(1000, "bye"));
        assertThat(ws.awaitClose()).isEqualTo(1000);
        ws.streamClosed.get(5, TimeUnit.SECONDS);
        await(() -> active() == 0.0);
        assertThat(edge.metric("edgespot_websockets_closed_total", "tenant=\"acme\"")).isEqualTo(1.0);
        assertThat(edge.server.webSockets("acme")).isZero();
        assertThat(c.isOpen()).isTrue(); // only the stream ended
    }

    @Test
    void capAdmitsExactlyTheCapOverHttp2AndTheUpstreamSeesNoOther() throws Exception {
        startEdge("maxWebSockets: 100", "max: 3", origin.port());
        H2WebSocketClient c = client();
        List<H2WebSocketClient.Ws> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            H2WebSocketClient.Ws ws = c.open(authority(), "/ws/echo");
            assertThat(ws.status()).isEqualTo("200");
            open.add(ws);
        }
        for (int i = 0; i < 3; i++) {
            H2WebSocketClient.Ws refused = c.open(authority(), "/ws/echo");
            Http2Headers h = refused.response.get();
            assertThat(h.status().toString()).isEqualTo("503");
            assertThat(h.get("retry-after")).isNotNull();
        }
        assertThat(origin.hits("/ws/echo")).isEqualTo(3);
        assertThat(edge.metric("edgespot_websockets_rejected_total", "reason=\"tenant\"")).isEqualTo(3.0);
        open.get(0).send(new CloseWebSocketFrame(1000, ""));
        assertThat(open.get(0).awaitClose()).isEqualTo(1000);
        await(() -> edge.server.webSockets("acme") == 2);
        assertThat(c.open(authority(), "/ws/echo").status()).isEqualTo("200"); // room again after a close
        assertThat(origin.hits("/ws/echo")).isEqualTo(4);
    }

    @Test
    void http1AndHttp2WebSocketsShareOneCap() throws Exception {
        startEdge("maxWebSockets: 2", "max: 50", origin.port());
        HttpClient jdk = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
        URI wss = URI.create("wss://localhost:" + edge.port("tls") + "/ws/echo");
        WebSocket h1 = jdk.newWebSocketBuilder().buildAsync(wss, new WebSocketIT.Recorder()).join();
        H2WebSocketClient c = client();
        assertThat(c.open(authority(), "/ws/echo").status()).isEqualTo("200");
        assertThat(c.open(authority(), "/ws/echo").status()).isEqualTo("503");
        assertThatThrownBy(() -> jdk.newWebSocketBuilder().buildAsync(wss, new WebSocketIT.Recorder()).join())
                .isInstanceOf(CompletionException.class);
        assertThat(origin.hits("/ws/echo")).isEqualTo(2);
        assertThat(edge.metric("edgespot_websockets_rejected_total", "reason=\"instance\"")).isEqualTo(2.0);
        assertThat(active()).isEqualTo(2.0);
        h1.sendClose(1000, "").join();
        await(() -> edge.server.webSockets("acme") == 1);
        assertThat(c.open(authority(), "/ws/echo").status()).isEqualTo("200"); // the HTTP/1.1 close made room
    }

    @Test
    void drainClosesHttp2WebSocketsWith1001SpreadOverTheWindow() throws Exception {
        startEdge("maxWebSockets: 100", "max: 100", origin.port());
        List<H2WebSocketClient.Ws> all = new ArrayList<>();
        List<H2WebSocketClient> drained = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            H2WebSocketClient c = client();
            drained.add(c);
            for (int i = 0; i < 5; i++) {
                H2WebSocketClient.Ws ws = c.open(authority(), "/ws/echo");
                assertThat(ws.status()).isEqualTo("200");
                all.add(ws);
            }
        }
        long start = System.nanoTime();
        edge.server.startDraining();
        assertThat(client().open(authority(), "/ws/echo").status()).isEqualTo("503");
        List<Long> offsets = new ArrayList<>();
        for (H2WebSocketClient.Ws ws : all) {
            assertThat(ws.awaitClose()).isEqualTo(1001);
            offsets.add(TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - start));
        }
        offsets.sort(null);
        assertThat(offsets.get(offsets.size() - 1)).isLessThan(4000);
        assertThat(offsets.get(offsets.size() - 1) - offsets.get(0)).isGreaterThan(1000);
        assertThat(origin.hits("/ws/echo")).isEqualTo(15);
        // each connection stays up through the window (GOAWAY sent) and closes after its last WebSocket
        await(() -> drained.stream().noneMatch(H2WebSocketClient::isOpen));
        assertThat(active()).isZero();
        assertThat(edge.metric("edgespot_websockets_closed_total", "reason=\"drain\"")).isEqualTo(15.0);
    }

    @Test
    void oversizedFrameClosesWith1009() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10, maxFrameBytes: 1KiB", origin.port());
        H2WebSocketClient.Ws ws = client().open(authority(), "/ws/echo");
        ws.send(new TextWebSocketFrame("small"));
        assertThat(ws.next()).isEqualTo("small");
        ws.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[4096])));
        assertThat(ws.awaitClose()).isEqualTo(1009);
        ws.streamClosed.get(5, TimeUnit.SECONDS);
        await(() -> active() == 0.0);
    }

    @Test
    void silentClientIsPingedThenClosedAfterTheIdleTimeout() throws Exception {
        startEdge("maxWebSockets: 100", "max: 10, idleTimeout: 1s", origin.port());
        H2WebSocketClient.Ws ws = client().open(authority(), "/ws/echo");
        long t0 = System.nanoTime();
        assertThat(ws.next()).isEqualTo("ping:edgespot"); // the client never answers
        assertThat(ws.awaitClose()).isEqualTo(1000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - t0)).isBetween(500L, 3000L);
        await(() -> active() == 0.0);
    }

    @Test
    void refusedUpgradeIsPassedBackAndReleasesItsPlace() throws Exception {
        startEdge("maxWebSockets: 100", "max: 1", origin.port());
        H2WebSocketClient c = client();
        assertThat(c.open(authority(), "/ws/missing").status()).isEqualTo("404");
        assertThat(c.open(authority(), "/plain/ws").status()).isEqualTo("403");
        H2WebSocketClient.Ws other = c.open(authority(), "/ws/echo",
                Map.of(":protocol", "connect-udp"));
        assertThat(other.status()).isEqualTo("501");
        assertThat(edge.server.webSockets("acme")).isZero();
        assertThat(c.open(authority(), "/ws/echo").status()).isEqualTo("200"); // the one place is free
    }

    @Test
    void upgradeRequestAndNegotiatedSubprotocolCrossTheProxy() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("Sec-WebSocket-Protocol: chat\r\n")) {
            startEdge("maxWebSockets: 100", "max: 10", raw.port());
            H2WebSocketClient.Ws ws = client().open(authority(), "/ws/sub?x=1",
                    Map.of("sec-websocket-protocol", "chat, superchat"));
            assertThat(ws.status()).isEqualTo("200");
            assertThat(ws.response.get().get("sec-websocket-protocol")).hasToString("chat");
            assertThat(ws.response.get().contains("sec-websocket-accept")).isFalse();
            String head = raw.head.get(5, TimeUnit.SECONDS).toLowerCase();
            assertThat(head).startsWith("get /ws/sub?x=1 http/1.1\r\n")
                    .contains("upgrade: websocket\r\n", "connection: upgrade\r\n", "sec-websocket-version: 13\r\n",
                            "sec-websocket-protocol: chat, superchat\r\n", "x-forwarded-proto: https\r\n")
                    .doesNotContain("x-http2-");
            String key = head.lines().filter(l -> l.startsWith("sec-websocket-key:")).findFirst().orElseThrow()
                    .substring(18).trim();
            assertThat(Base64.getDecoder().decode(key)).hasSize(16);
            ws.send(new TextWebSocketFrame("to origin"));
            assertThat(raw.received(2 + 4 + 9)).isTrue(); // the masked frame arrives unchanged
        }
    }

    @Test
    void clientThatOutrunsTheOriginIsHeldByFlowControl() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("")) {
            raw.stallAfterHandshake = true; // never reads: its socket buffers fill, then the proxy's
            startEdge("maxWebSockets: 100", "max: 10", raw.port());
            H2WebSocketClient.Ws ws = client().open(authority(), "/ws/x");
            assertThat(ws.status()).isEqualTo("200");
            // the client writes on its event loop whenever its stream is writable, as a well-behaved sender does
            byte[] chunk = new byte[64 * 1024];
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            long limit = 64L << 20;
            ScheduledFuture<?> writer = ws.stream.eventLoop().scheduleWithFixedDelay(() -> {
                while (ws.stream.isWritable() && sent.get() < limit) {
                    ws.stream.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(chunk)));
                    sent.addAndGet(chunk.length);
                }
                ws.stream.flush();
            }, 0, 20, TimeUnit.MILLISECONDS);
            long last = -1;
            for (int i = 0; i < 30 && sent.get() != last && sent.get() < limit; i++) {
                last = sent.get();
                Thread.sleep(500);
            }
            writer.cancel(false);
            // what the origin's socket buffers, the proxy's watermarks and one stream window hold, not all of it
            assertThat(sent.get()).isPositive().isLessThan(32L << 20);
            assertThat(ws.stream.isWritable()).isFalse();
        }
    }

    @Test
    void originWhose101DoesNotAnswerTheKeyIsABadGateway() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("")) {
            raw.wrongAccept = true;
            startEdge("maxWebSockets: 100", "max: 1", raw.port());
            H2WebSocketClient c = client();
            assertThat(c.open(authority(), "/ws/x").status()).isEqualTo("502");
            assertThat(raw.eof.get(5, TimeUnit.SECONDS)).isTrue(); // the upstream connection is dropped
            assertThat(edge.server.webSockets("acme")).isZero();
            assertThat(active()).isZero();
        }
    }

    @Test
    void clientResetClosesTheUpstream() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("")) {
            startEdge("maxWebSockets: 100", "max: 10", raw.port());
            H2WebSocketClient c = client();
            H2WebSocketClient.Ws ws = c.open(authority(), "/ws/x");
            assertThat(ws.status()).isEqualTo("200");
            ws.reset();
            assertThat(raw.eof.get(5, TimeUnit.SECONDS)).isTrue();
            await(() -> active() == 0.0);
            assertThat(edge.metric("edgespot_websockets_closed_total", "reason=\"client\"")).isEqualTo(1.0);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void clientEndStreamClosesTheUpstream() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("")) {
            startEdge("maxWebSockets: 100", "max: 10", raw.port());
            H2WebSocketClient.Ws ws = client().open(authority(), "/ws/x");
            ws.endStream();
            assertThat(raw.eof.get(5, TimeUnit.SECONDS)).isTrue();
            ws.streamClosed.get(5, TimeUnit.SECONDS);
            assertThat(ws.endStreamReceived).isTrue();
            assertThat(ws.resetReceived).isFalse();
            await(() -> active() == 0.0);
        }
    }

    @Test
    void upstreamThatDiesClosesTheClientWith1014() throws Exception {
        try (RawWsOrigin raw = new RawWsOrigin("")) {
            raw.resetAfterHandshake = true;
            startEdge("maxWebSockets: 100", "max: 10", raw.port());
            H2WebSocketClient.Ws ws = client().open(authority(), "/ws/x");
            assertThat(ws.status()).isEqualTo("200");
            assertThat(ws.awaitClose()).isEqualTo(1014);
            ws.streamClosed.get(5, TimeUnit.SECONDS);
            await(() -> active() == 0.0);
            assertThat(edge.metric("edgespot_websockets_closed_total", "reason=\"upstream\"")).isEqualTo(1.0);
        }
    }

    /** A one-connection WebSocket origin on a plain socket: accepts the upgrade, then reads until EOF. */
    static final class RawWsOrigin implements AutoCloseable {
        final ServerSocket server = new ServerSocket();
        final CompletableFuture<String> head = new CompletableFuture<>();
        final CompletableFuture<Boolean> eof = new CompletableFuture<>();
        volatile boolean resetAfterHandshake;
        volatile boolean stallAfterHandshake;
        volatile boolean wrongAccept;
        private volatile long bytes;
        private final Thread thread;

        RawWsOrigin(String extraResponseHeaders) throws Exception {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(() -> serve(extraResponseHeaders), "raw-ws-origin");
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(String extra) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                String request = WebSocketIT.readHead(in);
                head.complete(request);
                String key = request.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .findFirst().orElseThrow().substring(18).trim();
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + WebSocketIT.accept(wrongAccept ? key + "x" : key) + "\r\n" + extra
                        + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (resetAfterHandshake) {
                    Thread.sleep(300);
                    s.setSoLinger(true, 0); // a reset, no close frame
                    return;
                }
                while (stallAfterHandshake && !server.isClosed()) {
                    Thread.sleep(50);
                }
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytes += n;
                }
                eof.complete(true);
            } catch (Exception e) {
                head.completeExceptionally(e);
                eof.completeExceptionally(e);
            }
        }

        /** Waits until at least {@code n} bytes came after the handshake. */
        boolean received(long n) throws InterruptedException {
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                 bytes < n && System.nanoTime() < deadline; ) {
                Thread.sleep(10);
            }
            return bytes >= n;
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }
}
