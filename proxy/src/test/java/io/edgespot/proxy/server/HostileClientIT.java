package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against the running data plane: each case checks that its bound holds (time, memory,
 * connections, sizes, HTTP/2 abuse limits) and that a normal client is still served meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
final class HostileClientIT {

    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestOrigin origin;
    static RawOrigin raw;
    static EdgeFixture edge;
    static EventLoopGroup clientGroup;
    static SslContext h2Client;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        origin = TestOrigin.http("a");
        raw = new RawOrigin();
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 1s }
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false, http2: false }
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                accessLog: { enabled: false }
                limits: { headerTimeout: 1s, idleTimeout: 30s, http2MaxResetsPerSecond: 100 }
                tenants:
                  - name: acme
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                      raw: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: /slowpost }, to: origin, timeouts: { total: 2s } }
                      - { match: { pathPrefix: /raw/ }, to: raw, stripPrefix: /raw }
                      - { match: { pathPrefix: / }, to: origin }
                """.formatted(origin.port(), raw.port()));
        clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        h2Client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(pki.ca.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (edge != null) {
            edge.close();
        }
        if (raw != null) {
            raw.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A normal HTTP/1.1 client on a fresh connection gets its answer from the origin. */
    private static void assertNormalClientServed(int port, String body) throws IOException {
        RawConnection.Result r = RawConnection.exchange(port,
                "GET /normal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 5000);
        assertThat(r.statuses()).as("normal client; got %s", r.text()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo(body);
    }

    private static void assertNormalClientServed() throws IOException {
        assertNormalClientServed(edge.port("plain"), "origin a /normal\n");
    }

    /** Direct memory held by the server's Netty allocators, from the gauges on the metrics page. */
    private static long serverDirectBytes() {
        long total = 0;
        for (String line : edge.scrape().split("\n")) {
            if (line.startsWith("edgespot_netty_pooled_direct_bytes ")
                    || line.startsWith("edgespot_netty_default_allocator_direct_bytes ")) {
                total += (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        return total;
    }

    private static double metric(String prefix) {
        for (String line : edge.scrape().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return 0;
    }

    /** Samples {@link #serverDirectBytes()} on a thread until stopped; reports the peak. */
    private static final class MemorySampler implements AutoCloseable {
        final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        MemorySampler() {
            peak.set(serverDirectBytes());
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(serverDirectBytes(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops sampling; returns the peak. */
        long stop() {
            running.set(false);
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return peak.accumulateAndGet(serverDirectBytes(), Math::max);
        }

        @Override
        public void close() {
            stop();
        }
    }

    private static Socket connectPlain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** A second edge for one test: a plain HTTP/1.1 listener, the given limits, every path to the origin. */
    /** Opens {@code n} plain connections and checks that they stay open. */
    private static List<Socket> holdOpen(int port, int n) throws Exception {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(connectPlain(port));
        }
        Thread.sleep(300);
        for (Socket s : held) {
            assertThat(isOpen(s, 20)).as("a connection within the cap stays open").isTrue();
        }
        return held;
    }

    /** A new connection is closed by the server at once. */
    private static void assertClosedAtAccept(int port, String what) throws Exception {
        try (Socket extra = connectPlain(port)) {
            long start = System.nanoTime();
            assertThat(isOpen(extra, 1000)).as(what).isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).as("closed at once").isLessThan(500);
        }
    }

    /** A new connection's request for {@code path} is answered 200 within 5 s (a close elsewhere may lag). */
    private static void assertServedWithin5s(int port, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        RawConnection.Result r;
        do {
            Thread.sleep(50);
            r = RawConnection.exchange(port,
                    "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 3000);
        } while (r.statuses().isEmpty() && System.nanoTime() < deadline);
        assertThat(r.statuses()).containsExactly(200);
        assertThat(r.responses().get(0).body()).isEqualTo("origin a " + path + "\n");
    }

    private static final String PLAIN_LISTENER =
            "  - { name: plain, address: \"127.0.0.1:0\", tls: false, http2: false }";

    private static EdgeFixture plainEdge(String limits, int originPort) throws Exception {
        return edgeWith(PLAIN_LISTENER, "", limits, originPort);
    }

    private static EdgeFixture tlsEdge(String limits, int originPort) throws Exception {
        return edgeWith("  - { name: tls, address: \"127.0.0.1:0\", tls: true, http2: true }",
                "certificate: { cert: acme.crt, key: acme.key }", limits, originPort);
    }

    /** A plain listener and one that takes a PROXY header ({@code pp}), with the given limits. */
    private static EdgeFixture plainAndProxyProtocolEdge(String limits, int originPort) throws Exception {
        return edgeWith(PLAIN_LISTENER + "\n"
                + "  - { name: pp, address: \"127.0.0.1:0\", tls: false, http2: false, proxyProtocol: true }", "",
                limits, originPort);
    }

    /**
     * Another client, whose address comes in a PROXY header over the same loopback, is served: per-client bounds
     * count it apart.
     */
    private static void assertOtherClientServed(EdgeFixture edge) throws Exception {
        String other = RawHttp.exchange(edge.port("pp"), "PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\n"
                + "GET /other-client HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 3000);
        assertThat(RawHttp.status(other)).as(other).isEqualTo(200);
    }

    /** The given listeners (YAML list items), with the given limits, in front of the origin. */
    private static EdgeFixture edgeWith(String listeners, String certificate, String limits, int originPort)
            throws Exception {
        return new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 1s }
                listeners:
                %s
                admin: { enabled: false }
                accessLog: { enabled: false }
                limits: { %s }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    %s
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { to: origin }
                """.formatted(listeners, limits, certificate, originPort));
    }

    /** The connection got {@code statuses}, the last a 408 after the 1 s headerTimeout, and was closed. */
    private static void assert408AfterTheHeaderTimeout(RawConnection.Result r, Integer... statuses) {
        assertThat(r.statuses()).as("got %s", r.text()).containsExactly(statuses);
        assertThat(r.closed()).isTrue();
        // headerTimeout is 1s, counted from the first byte of the head
        assertThat(r.millis()).isBetween(900L, 2500L);
    }

    /** Writes {@code bytes} one at a time, {@code gapMillis} apart, on its own thread, until done or refused. */
    private static Thread trickle(Socket s, byte[] bytes, long gapMillis) {
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(gapMillis);
                }
            } catch (IOException | InterruptedException stopped) {
                // the server closed the connection, or the test ended
            }
        }, "trickle");
        t.setDaemon(true);
        t.start();
        return t;
    }

    // ------------------------------------------------------------------------------------------- HTTP/1.1

    @Test
    void slowlorisHeadGets408WithinTheHeaderTimeout() throws Exception {
        try (Socket s = connectPlain(edge.port("plain"))) {
            byte[] head = ("GET /slowloris HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "a".repeat(40) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            Thread t = trickle(s, head, 200); // the whole head would take 14 s
            Thread.sleep(300);
            assertNormalClientServed();
            RawConnection.Result r = RawConnection.readToClose(s, start, 5000);
            t.interrupt();
            assert408AfterTheHeaderTimeout(r, 408);
        }
        assertThat(origin.seen).noneMatch(x -> x.uri().startsWith("/slowloris"));
        assertNormalClientServed();
    }

    @Test
    void partOfTheNextHeadSentWithARequestGets408WithinTheHeaderTimeout() throws Exception {
        // the next head starts in the same segment as a complete request, so it arrives while that exchange runs;
        // the head clock (1s) must count from those bytes, not the idle clock (30s) from the end of the exchange
        RawConnection.Result r = RawConnection.exchange(edge.port("plain"), "GET /first HTTP/1.1\r\nHost: localhost"
                + "\r\n\r\nGET /never-finished HTTP/1.1\r\nHost: local", 6000);
        assert408AfterTheHeaderTimeout(r, 200, 408);
        assertThat(origin.seen).noneMatch(x -> x.uri().startsWith("/never-finished"));
        assertNormalClientServed();
    }

    @Test
    void aPipelinedRequestIsNotCutByTheIdleTimeoutWhileItRuns() throws Exception {
        // its head arrived during the first exchange; when that one ends, the connection is busy, not idle
        try (EdgeFixture shortIdle = plainEdge("headerTimeout: 1s, idleTimeout: 1s", origin.port())) {
            RawConnection.Result r = RawConnection.exchange(shortIdle.port("plain"), "GET /first HTTP/1.1\r\n"
                    + "Host: localhost\r\n\r\nGET /slow/2500 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    8000);
            assertThat(r.statuses()).as("got %s", r.text()).containsExactly(200, 200);
            assertThat(r.responses().get(1).body()).isEqualTo("slow\n");
        }
    }

    @Test
    void anHttp2StreamIsNotCutByTheIdleTimeoutWhileItWaitsForItsAnswer() throws Exception {
        // idleTimeout is 1s and shutdownGrace 1s: a connection closed for idleness while a stream waits 2.5 s for
        // its origin would reset that stream at about 2 s. Idle means no open stream, as over HTTP/1.1.
        try (EdgeFixture shortIdle = tlsEdge("headerTimeout: 1s, idleTimeout: 1s", origin.port())) {
            HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                    .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
            URI base = URI.create("https://localhost:" + shortIdle.port("tls"));
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/slow/2500"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("slow\n");
        }
    }

    @Test
    void anIdleHttp2ConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (EdgeFixture shortIdle = tlsEdge("headerTimeout: 1s, idleTimeout: 1s", origin.port());
             RawH2 c = RawH2.connect(shortIdle.port("tls"))) {
            long start = System.nanoTime();
            assertThat(c.goAway.get(6, TimeUnit.SECONDS)).as("GOAWAY NO_ERROR after the idle timeout").isZero();
            assertThat(c.awaitClosed(6)).as("closed after GOAWAY").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isBetween(800L, 4000L);
        }
    }

    @Test
    void pingsDoNotKeepAnIdleHttp2ConnectionOpen() throws Exception {
        // a PING every 200 ms opens no stream: the connection is still idle, and closes after the 1 s idle timeout
        try (EdgeFixture shortIdle = tlsEdge("headerTimeout: 1s, idleTimeout: 1s", origin.port());
             RawH2 c = RawH2.connect(shortIdle.port("tls"))) {
            long start = System.nanoTime();
            for (int i = 0; i < 30 && !c.goAway.isDone(); i++) {
                c.run(() -> {
                    c.frame(0x6, 0, 0, new byte[8]); // PING
                    c.ctx.flush();
                });
                Thread.sleep(200);
            }
            assertThat(c.goAway.getNow(-1L)).as("GOAWAY NO_ERROR within 6 s of pings").isZero();
            assertThat(c.awaitClosed(6)).as("closed after GOAWAY").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isBetween(800L, 4000L);
        }
    }

    @Test
    void slowPostEndsWhenTheRouteTotalTimeoutFires() throws Exception {
        try (Socket s = connectPlain(edge.port("plain"))) {
            s.getOutputStream().write(("POST /slowpost HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            Thread t = trickle(s, "b".repeat(1000).getBytes(StandardCharsets.US_ASCII), 200); // 200 s of body
            Thread.sleep(300);
            assertNormalClientServed();
            RawConnection.Result r = RawConnection.readToClose(s, start, 8000);
            t.interrupt();
            assertThat(r.statuses()).as("got %s", r.text()).containsExactly(504);
            assertThat(r.closed()).isTrue();
            // the route's total timeout is 2s
            assertThat(r.millis()).isBetween(1800L, 4500L);
        }
        assertThat(origin.seen).noneMatch(x -> x.uri().startsWith("/slowpost"));
        assertNormalClientServed();
    }

    /**
     * A client asks for 64 MiB and does not read. The proxy reads the upstream only while the client connection is
     * writable, so its memory stays flat and the origin's own send blocks once the kernel buffers are full.
     * The origin here is {@link RawOrigin}, because it counts the bytes it managed to send.
     */
    @Test
    void slowReaderDoesNotMakeTheProxyBufferTheResponse() throws Exception {
        long size = 64 * MIB;
        raw.bytesSent.set(0);
        long baseline = serverDirectBytes();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", edge.port("plain")), 2000);
            s.getOutputStream().write(("GET /raw/bytes/" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTheStallReachesTheOrigin(size, baseline);
            // and nothing was lost: the client now reads all of it
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + size);
            byte[] buf = new byte[65536];
            long got = 0;
            while (got < size) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, size - got));
                assertThat(n).isPositive();
                got += n;
            }
            assertThat(got).isEqualTo(size);
        }
    }

    /**
     * The same over HTTP/2, where flow control does not stop the response: the client grants windows of 2^31-1
     * bytes, then stops reading its socket. What holds the response back is the stream channel's write high-water
     * mark (64 KiB of writes not yet on the wire): past it the stream stops reading from the origin. Without that
     * mark (tried: 1 GiB) the server's direct memory grows past the bound below.
     */
    @Test
    void slowHttp2ReaderWithOpenWindowsDoesNotMakeTheProxyBufferTheResponse() throws Exception {
        long size = 64 * MIB;
        raw.bytesSent.set(0);
        long baseline = serverDirectBytes();
        try (RawH2 c = RawH2.connect(edge.port("tls"), 16 * 1024)) {
            Http2Headers get = new DefaultHttp2Headers().method("GET").scheme("https").authority("localhost")
                    .path("/raw/bytes/" + size);
            c.run(() -> {
                c.writer.writeSettings(c.ctx, new Http2Settings().initialWindowSize(Integer.MAX_VALUE),
                        c.ctx.newPromise());
                c.writer.writeWindowUpdate(c.ctx, 0, Integer.MAX_VALUE - 65_535, c.ctx.newPromise());
                c.writer.writeHeaders(c.ctx, 1, get, 0, true, c.ctx.newPromise());
                c.ctx.flush();
                c.channel.config().setAutoRead(false);
            });
            assertTheStallReachesTheOrigin(size, baseline);
            // and nothing was lost: the client now reads all of it
            c.run(() -> c.channel.config().setAutoRead(true));
            assertThat(c.dataEnded.get(30, TimeUnit.SECONDS)).as("the stream the body ended").isEqualTo(1);
            assertThat(c.dataBytes.get()).isEqualTo(size);
        }
    }

    /**
     * With a client that has asked for {@code size} bytes and stopped reading: over 3 s, the server's direct memory
     * stays within 16 MiB of {@code baseline}, another client is served, and back-pressure reaches the origin, which
     * could send only what kernel buffers hold and then stopped.
     */
    private static void assertTheStallReachesTheOrigin(long size, long baseline) throws Exception {
        long sentEarly;
        long sentLate;
        try (MemorySampler memory = new MemorySampler()) {
            Thread.sleep(1500);
            sentEarly = raw.bytesSent.get();
            assertNormalClientServed();
            Thread.sleep(1500);
            sentLate = raw.bytesSent.get();
            assertThat(memory.stop() - baseline).as("server direct memory growth while the client stalls")
                    .isLessThan(16 * MIB);
        }
        assertThat(sentLate).as("bytes the origin could send").isLessThan(size / 2);
        assertThat(sentLate - sentEarly).as("origin progress while stalled").isLessThan(MIB);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        int n;
        do {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in head: " + sb);
            }
            sb.append((char) c);
            n = sb.length();
        } while (n < 4 || sb.charAt(n - 4) != '\r' || sb.charAt(n - 3) != '\n' || sb.charAt(n - 2) != '\r'
                || sb.charAt(n - 1) != '\n');
        return sb.toString();
    }

    @Test
    void oneClientIsCappedAtMaxConnectionsPerClientAndOthersAreServed() throws Exception {
        try (EdgeFixture capped = plainAndProxyProtocolEdge("maxConnectionsPerClient: 3, idleTimeout: 30s",
                origin.port())) {
            int port = capped.port("plain");
            List<Socket> held = holdOpen(port, 3);
            try {
                assertClosedAtAccept(port, "the client's fourth connection");
                assertOtherClientServed(capped);
                assertThat(capped.scrape()).containsPattern(
                        "edgespot_rejected_requests_total\\{reason=\"max_connections_per_client\"} 1(\\.0)?\\n");
                for (Socket s : held) {
                    assertThat(isOpen(s, 1)).as("the held connections were not disturbed").isTrue();
                }
                held.remove(0).close();
                // with one of its connections gone, the client gets a new one
                assertServedWithin5s(port, "/again");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void oneClientOverItsRequestRateGets429AndOthersAreServed() throws Exception {
        try (EdgeFixture limited = plainAndProxyProtocolEdge(
                "maxRequestsPerSecondPerClient: 1, requestBurstPerClient: 3, idleTimeout: 30s", origin.port())) {
            // six pipelined requests at once: the burst of three goes through, the rest get 429 with Retry-After
            StringBuilder six = new StringBuilder();
            for (int i = 1; i <= 6; i++) {
                six.append("GET /rate/").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n")
                        .append(i == 6 ? "Connection: close\r\n" : "").append("\r\n");
            }
            RawConnection.Result r = RawConnection.exchange(limited.port("plain"), six.toString(), 5000);
            assertThat(r.statuses()).as(r.text()).containsExactly(200, 200, 200, 429, 429, 429);
            for (RawConnection.Response limitedResponse : r.responses().subList(3, 6)) {
                assertThat(limitedResponse.header("retry-after")).as("Retry-After").matches("[1-5]");
                assertThat(limitedResponse.body()).contains("\"reason\":\"request rate limit reached\"");
            }
            assertThat(origin.count("/rate/")).as("requests that reached the origin").isEqualTo(3);
            assertThat(limited.scrape()).containsPattern(
                    "edgespot_rejected_requests_total\\{reason=\"rate_limited\"} 3(\\.0)?\\n");
            assertOtherClientServed(limited);
            // and the first client's bucket refills at one request a second
            Thread.sleep(1100);
            assertServedWithin5s(limited.port("plain"), "/rate/again");
        }
    }

    @Test
    void theRequestRateBoundsHttp2StreamsToo() throws Exception {
        try (EdgeFixture limited = tlsEdge("maxRequestsPerSecondPerClient: 1, requestBurstPerClient: 2",
                origin.port())) {
            HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                    .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 3; i++) {
                URI uri = URI.create("https://localhost:" + limited.port("tls") + "/h2-rate/" + i);
                last = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(last.version()).isEqualTo(HttpClient.Version.HTTP_2);
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 429);
            assertThat(last.headers().firstValue("retry-after"))
                    .hasValueSatisfying(v -> assertThat(v).matches("[1-5]"));
            assertThat(origin.count("/h2-rate/")).as("streams that reached the origin").isEqualTo(2);
        }
    }

    @Test
    void connectionFloodIsCappedAtMaxConnections() throws Exception {
        TestOrigin o = TestOrigin.http("a");
        try (EdgeFixture capped = plainEdge("maxConnections: 50, idleTimeout: 30s", o.port())) {
            int port = capped.port("plain");
            List<Socket> held = holdOpen(port, 50);
            try {
                for (int i = 0; i < 10; i++) {
                    assertClosedAtAccept(port, "connection over the cap");
                }
                String text = capped.scrape();
                assertThat(text).containsPattern(
                        "edgespot_rejected_requests_total\\{reason=\"max_connections\"} 10(\\.0)?\\n");
                for (Socket s : held) {
                    assertThat(isOpen(s, 1)).as("the held connections were not disturbed").isTrue();
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            // once the held connections are gone, a normal client is served again
            assertServedWithin5s(port, "/normal");
        } finally {
            o.close();
        }
    }

    /** Whether the server keeps the socket open: a read that times out means open, EOF or reset means closed. */
    private static boolean isOpen(Socket s, int waitMillis) throws IOException {
        s.setSoTimeout(waitMillis);
        try {
            return s.getInputStream().read() >= 0;
        } catch (SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    @Test
    void hugeHeadersGet431() throws Exception {
        // one 100 KiB header against maxHeaderBytes 64 KiB
        RawConnection.Result big = RawConnection.exchange(edge.port("plain"), "GET /huge HTTP/1.1\r\nHost: localhost\r\n"
                + "X-Huge: " + "h".repeat(100 * 1024) + "\r\n\r\n", 5000);
        assertThat(big.statuses()).as("got %s", big.text()).containsExactly(431);
        assertThat(big.closed()).isTrue();
        assertNormalClientServed();
        // 1000 small headers against maxHeaderCount 100
        StringBuilder many = new StringBuilder("GET /many HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 1000; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        RawConnection.Result count = RawConnection.exchange(edge.port("plain"), many.append("\r\n").toString(), 5000);
        assertThat(count.statuses()).as("got %s", count.text()).containsExactly(431);
        assertThat(count.closed()).isTrue();
        assertNormalClientServed();
        assertThat(origin.seen).noneMatch(x -> x.uri().startsWith("/huge") || x.uri().startsWith("/many"));
    }

    /**
     * 100,000 tiny pipelined requests on one connection, written in batches while a reader thread reads the
     * answers: every one is answered, in order, within the time bound.
     *
     * <p>The upstream is {@link RawOrigin}, which answers each request with one write on a TCP_NODELAY socket. The
     * JDK server writes head and body separately without TCP_NODELAY, so each of its answers waits for the
     * proxy's delayed ACK (about 40 ms on Linux): 100,000 of them would take over an hour, measuring only that.
     */
    @Test
    void hundredThousandPipelinedRequestsAreAnsweredInOrder() throws Exception {
        int total = 100_000;
        int batch = 1000;
        try (RawOrigin pipeOrigin = new RawOrigin()) {
            pipeOrigin.record = false;
            try (EdgeFixture pipe = plainEdge("idleTimeout: 30s", pipeOrigin.port());
                 Socket s = connectPlain(pipe.port("plain"))) {
                pipeline(s, total, batch, () -> assertNormalClientServed(pipe.port("plain"), "raw /normal trailers=\n"));
                assertThat(pipeOrigin.requests.get()).isEqualTo(total + 1); // and the normal client
            }
        }
    }

    private interface IoCheck {
        void run() throws IOException;
    }

    private static void pipeline(Socket s, int total, int batch, IoCheck midway) throws Exception {
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> lastBody = new AtomicReference<>();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        s.setSoTimeout(30_000);
        Thread reader = new Thread(() -> {
            try {
                InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
                for (int i = 0; i < total; i++) {
                    String head = readHead(in);
                    if (!head.startsWith("HTTP/1.1 200 ")) {
                        throw new AssertionError("answer " + i + ": " + head);
                    }
                    int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
                    int len = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
                    String body = new String(in.readNBytes(len), StandardCharsets.US_ASCII);
                    if (!body.equals("raw /p?i=" + i + " trailers=\n")) {
                        throw new AssertionError("answer " + i + " out of order: " + body);
                    }
                    lastBody.set(body);
                    answered.incrementAndGet();
                }
            } catch (Throwable t) {
                readerFailure.set(t);
            }
        }, "pipeline-reader");
        reader.setDaemon(true);
        long start = System.nanoTime();
        reader.start();
        OutputStream out = s.getOutputStream();
        for (int b = 0; b < total / batch; b++) {
            StringBuilder sb = new StringBuilder(batch * 48);
            for (int i = b * batch; i < (b + 1) * batch; i++) {
                sb.append("GET /p?i=").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            if (b == total / batch / 2) {
                midway.run();
            }
        }
        out.flush();
        reader.join(TimeUnit.SECONDS.toMillis(120));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(readerFailure.get()).isNull();
        assertThat(answered.get()).as("answers after %d s", seconds).isEqualTo(total);
        assertThat(lastBody.get()).isEqualTo("raw /p?i=" + (total - 1) + " trailers=\n");
        assertThat(seconds).isLessThan(120);
    }

    // --------------------------------------------------------------------------------------------- HTTP/2

    /** A raw HTTP/2 client over TLS (ALPN h2): writes whatever frames a test wants, records GOAWAY. */
    private static final class RawH2 implements AutoCloseable {
        final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
        final CompletableFuture<Long> goAway = new CompletableFuture<>();
        /** The last stream id of the server's GOAWAY: the last stream it took. */
        final CompletableFuture<Integer> goAwayLastStream = new CompletableFuture<>();
        /** The server's SETTINGS were read and acknowledged: no frame of ours can interleave with an attack. */
        final CompletableFuture<Void> settingsAcked = new CompletableFuture<>();
        final AtomicInteger responses = new AtomicInteger();
        /** Bytes of DATA received, on any stream, and the first stream a DATA frame ended. */
        final AtomicLong dataBytes = new AtomicLong();
        final CompletableFuture<Integer> dataEnded = new CompletableFuture<>();
        /** The first RST_STREAM the server sent: its stream id and error code. */
        final CompletableFuture<long[]> firstReset = new CompletableFuture<>();
        Channel channel;
        ChannelHandlerContext ctx;

        static RawH2 connect(int port) throws Exception {
            return connect(port, 0);
        }

        /** @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system's */
        static RawH2 connect(int port, int receiveBuffer) throws Exception {
            RawH2 c = new RawH2();
            Bootstrap b = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
                    // not the pooled allocators: the memory gauges must show the server alone
                    .option(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = h2Client.newHandler(ch.alloc(), "localhost", port);
                            // the JDK sends no SNI for a name without a dot unless told to
                            javax.net.ssl.SSLParameters params = ssl.engine().getSSLParameters();
                            params.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
                            ssl.engine().setSSLParameters(params);
                            ch.pipeline().addLast(ssl);
                            ch.pipeline().addLast("frames", c.new Inbound());
                        }
                    });
            if (receiveBuffer > 0) {
                b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
            }
            c.channel = b.connect("127.0.0.1", port).sync().channel();
            SslHandler ssl = c.channel.pipeline().get(SslHandler.class);
            ssl.handshakeFuture().sync();
            assertThat(ssl.applicationProtocol()).isEqualTo("h2");
            c.ctx = c.channel.pipeline().context("frames");
            c.settingsAcked.get(10, TimeUnit.SECONDS);
            return c;
        }

        /** Runs on the channel's event loop and waits for it. */
        void run(Runnable r) throws Exception {
            channel.eventLoop().submit(r).get(10, TimeUnit.SECONDS);
        }

        boolean active() {
            return channel.isActive();
        }

        boolean awaitClosed(long seconds) throws InterruptedException {
            return channel.closeFuture().await(seconds, TimeUnit.SECONDS);
        }

        /**
         * Writes {@code total} units of an attack (one unit: some frames), {@code perBatch} at a time with a pause
         * after each batch, until done, the server sends GOAWAY, or the connection closes. The pause lets the server
         * read what was sent before more arrives: a server that closes with unread input sends a reset, and a reset
         * may drop the GOAWAY before the client reads it. The rate stays far above every limit under test.
         *
         * @return the units written
         */
        int flood(int total, int perBatch, long pauseMillis, java.util.function.IntConsumer unit) throws Exception {
            int done = 0;
            while (done < total && active() && !goAway.isDone()) {
                int from = done;
                int n = Math.min(perBatch, total - done);
                run(() -> {
                    for (int k = from; k < from + n; k++) {
                        unit.accept(k);
                    }
                    ctx.flush();
                });
                done += n;
                Thread.sleep(pauseMillis);
            }
            return done;
        }

        /** Writes a raw frame: 9-byte header and the payload. */
        void frame(int type, int flags, int streamId, byte[] payload) {
            ByteBuf buf = ctx.alloc().buffer(9 + payload.length);
            buf.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(streamId).writeBytes(payload);
            ctx.write(buf);
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(2000);
        }

        private final class Inbound extends ByteToMessageDecoder {
            private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
            private final Http2FrameAdapter listener = new Http2FrameAdapter() {
                @Override
                public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
                    writer.writeSettingsAck(c, c.newPromise());
                    c.flush();
                    settingsAcked.complete(null);
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                          boolean endOfStream) {
                    responses.incrementAndGet();
                }

                @Override
                public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding,
                                      boolean endOfStream) {
                    dataBytes.addAndGet(data.readableBytes());
                    if (endOfStream) {
                        dataEnded.complete(streamId);
                    }
                    return data.readableBytes() + padding;
                }

                @Override
                public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                    firstReset.complete(new long[] {streamId, errorCode});
                }

                @Override
                public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debug) {
                    goAwayLastStream.complete(lastStreamId);
                    goAway.complete(errorCode);
                }
            };

            @Override
            public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
                if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                    // the preface goes first, before anything answers the server's SETTINGS
                    c.write(Http2CodecUtil.connectionPrefaceBuf());
                    writer.writeSettings(c, new Http2Settings(), c.newPromise());
                    c.flush();
                }
                super.userEventTriggered(c, evt);
            }

            @Override
            protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out) throws Exception {
                reader.readFrame(c, in, listener);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                c.close();
            }
        }
    }

    /**
     * A client that goes on sending its request body after the whole response is out: its stream is reset with
     * NO_ERROR once the response is written (RFC 9113 section 8.1), which frees the stream's slot; before, flow
     * control held the stream open until the connection went. Not every client stops at the reset yet: JDK 17's
     * does not read it while it waits for window to send more (JDK-8293786), and curl 7.88 waits on too; both
     * waited for their timeout before as well.
     */
    @Test
    void http2ClientStillSendingAfterItsResponseIsResetWithNoError() throws Exception {
        try (RawH2 c = RawH2.connect(edge.port("tls"))) {
            Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("https").authority("localhost")
                    .path("/raw/early").setInt("content-length", 4 << 20);
            c.run(() -> {
                c.writer.writeHeaders(c.ctx, 1, headers, 0, false, c.ctx.newPromise());
                c.writer.writeData(c.ctx, 1, Unpooled.wrappedBuffer(new byte[1000]), 0, false, c.ctx.newPromise());
                c.ctx.flush();
            });
            assertThat(c.dataEnded.get(10, TimeUnit.SECONDS)).as("the stream the response ended").isEqualTo(1);
            assertThat(c.dataBytes.get()).isEqualTo("early".length());
            long[] reset = c.firstReset.get(10, TimeUnit.SECONDS);
            assertThat(reset[0]).as("the stream reset").isEqualTo(1);
            assertThat(reset[1]).as("its error code").isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(c.active()).as("the connection stays").isTrue();
        }
    }

    /**
     * A client that resets its HTTP/2 connection in the middle of a response costs the server a debug line, not a
     * warning with a stack trace: clients resetting connections must not flood the log.
     */
    @Test
    void anHttp2ConnectionResetByItsClientLeavesNoWarningInTheLog() throws Exception {
        ch.qos.logback.classic.Logger pipelineLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(io.netty.channel.DefaultChannelPipeline.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        pipelineLog.addAppender(seen);
        try {
            Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("https").authority("localhost")
                    .path("/raw/bytes/" + (4 << 20));
            int before = edge.server.connections();
            for (int i = 0; i < 3; i++) {
                RawH2 c = RawH2.connect(edge.port("tls"));
                c.run(() -> {
                    c.writer.writeHeaders(c.ctx, 1, headers, 0, true, c.ctx.newPromise());
                    c.ctx.flush();
                });
                assertThat(c.responses.get() > 0 || awaitResponse(c)).as("the response started").isTrue();
                // a reset without TLS's close_notify first (after one, the TLS handler takes a reset as harmless):
                // the socket closed under the pipeline, with SO_LINGER 0
                c.channel.config().setOption(ChannelOption.SO_LINGER, 0);
                c.run(() -> c.channel.unsafe().close(c.channel.voidPromise()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (edge.server.connections() > before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(edge.server.connections()).as("connections left open").isLessThanOrEqualTo(before);
            assertThat(seen.list).as("what Netty's pipeline logged")
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
        } finally {
            pipelineLog.detachAppender(seen);
        }
    }

    private static boolean awaitResponse(RawH2 c) throws InterruptedException {
        for (int i = 0; i < 250 && c.responses.get() == 0; i++) {
            Thread.sleep(20);
        }
        return c.responses.get() > 0;
    }

    /** A fresh JDK HTTP/2 client gets its answer over TLS. */
    private static void assertFreshHttp2ClientServed() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + edge.port("tls") + "/normal-h2")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("origin a /normal-h2\n");
    }

    /** CVE-2023-44487: streams opened and reset at once, up to 10,000 of them. */
    @Test
    void http2RapidResetGetsGoAwayAndOthersAreServed() throws Exception {
        assertResetFloodIsCut("/rapid-reset",
                (c, id) -> c.writer.writeRstStream(c.ctx, id, Http2Error.CANCEL.code(), c.ctx.newPromise()));
    }

    /**
     * MadeYouReset (CVE-2025-8671): each stream is a valid GET, followed by a frame that makes the server reset it
     * (a WINDOW_UPDATE of 0, a stream error); the client itself never resets. The server's own resets are bounded
     * like the client's.
     */
    @Test
    void http2MadeYouResetGetsGoAwayAndOthersAreServed() throws Exception {
        assertResetFloodIsCut("/made-you-reset", (c, id) -> c.frame(0x8, 0, id, new byte[4]));
    }

    /**
     * Opens up to 10,000 GET streams for {@code path}, 50 every 10 ms (about 5,000 a second against the limit of
     * 100 resets a second), each followed by {@code thenOnStream}, whose frames end in a reset. The server must cut
     * the connection with GOAWAY ENHANCE_YOUR_CALM after a few hundred streams, fewer than 1,000 requests may reach
     * the origin, and other clients are still served.
     */
    private static void assertResetFloodIsCut(String path, java.util.function.ObjIntConsumer<RawH2> thenOnStream)
            throws Exception {
        int hitsBefore = origin.hits.get();
        int sent;
        try (RawH2 c = RawH2.connect(edge.port("tls"))) {
            Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("https")
                    .authority("localhost").path(path);
            sent = c.flood(10_000, 50, 10, k -> {
                int id = 2 * k + 1;
                c.writer.writeHeaders(c.ctx, id, headers, 0, true, c.ctx.newPromise());
                thenOnStream.accept(c, id);
            });
            long code = c.goAway.get(10, TimeUnit.SECONDS);
            assertThat(code).as("GOAWAY error code").isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(c.awaitClosed(10)).as("the server closed the connection").isTrue();
            // counted by the server (its GOAWAY's last stream id), not by what the client managed to send before it
            // read the GOAWAY, which depends on how busy the machine is
            int taken = (c.goAwayLastStream.get() + 1) / 2;
            assertThat(taken).as("streams the server took before it cut the connection (%d sent)", sent)
                    .isLessThan(1000);
        }
        // and the few streams it did process never loaded the upstream
        assertThat(origin.hits.get() - hitsBefore).as("requests that reached the origin of %d sent", sent)
                .isLessThan(1000);
        assertFreshHttp2ClientServed();
        assertNormalClientServed();
    }

    /** A header block that never ends: HEADERS without END_HEADERS, then up to 10,000 one-byte CONTINUATIONs. */
    @Test
    void http2ContinuationFloodOfTinyFramesGetsGoAway() throws Exception {
        try (MemorySampler memory = new MemorySampler(); RawH2 c = RawH2.connect(edge.port("tls"))) {
            long baseline = memory.peak.get();
            c.run(() -> {
                // :method GET, :scheme https, :path / from the static table; END_STREAM but not END_HEADERS
                c.frame(0x1, 0x1, 1, new byte[] {(byte) 0x82, (byte) 0x87, (byte) 0x84});
                c.ctx.flush();
            });
            int written = c.flood(10_000, 8, 5, k -> c.frame(0x9, 0x0, 1, new byte[] {'a'}));
            long code = c.goAway.get(10, TimeUnit.SECONDS);
            // decoderEnforceMaxSmallContinuationFrames(16)
            assertThat(code).as("GOAWAY error code").isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(c.awaitClosed(10)).as("the server closed the connection").isTrue();
            assertThat(written).as("CONTINUATION frames written before the cut").isLessThan(10_000);
            assertThat(memory.stop() - baseline).as("server direct memory growth").isLessThan(16 * MIB);
        }
        assertFreshHttp2ClientServed();
    }

    /**
     * The same with full-size CONTINUATION frames: up to 4,096 of 16 KiB (64 MiB), which a server waiting for
     * END_HEADERS would buffer whole; the header list limit cuts the connection and memory stays flat.
     */
    @Test
    void http2ContinuationFloodOfLargeFramesGetsGoAwayWithBoundedMemory() throws Exception {
        byte[] fragment = new byte[16384];
        java.util.Arrays.fill(fragment, (byte) 'a');
        try (MemorySampler memory = new MemorySampler(); RawH2 c = RawH2.connect(edge.port("tls"))) {
            long baseline = memory.peak.get();
            c.run(() -> {
                c.frame(0x1, 0x1, 1, new byte[] {(byte) 0x82, (byte) 0x87, (byte) 0x84});
                c.ctx.flush();
            });
            int written = c.flood(4096, 1, 2, k -> c.frame(0x9, 0x0, 1, fragment));
            long code = c.goAway.get(10, TimeUnit.SECONDS);
            assertThat(code).as("GOAWAY error code").isNotEqualTo(Http2Error.NO_ERROR.code());
            assertThat(c.awaitClosed(10)).as("the server closed the connection").isTrue();
            // the header list limit (maxHeaderBytes 64 KiB, refused at 80 KiB) cut it after a handful of frames
            assertThat(written).as("16 KiB frames written before the server cut the connection").isLessThan(64);
            assertThat(memory.stop() - baseline).as("server direct memory growth").isLessThan(16 * MIB);
        }
        assertFreshHttp2ClientServed();
    }
}
