package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2UnknownFrame;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy core over real sockets: JDK HttpClient over HTTP/1.1 and HTTP/2 with TLS, a JDK origin behind. */
final class ProxyCoreIT {

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestOrigin origin;
    static EdgeFixture edge;
    static HttpClient h1;
    static HttpClient h2;
    static HttpClient plain;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        pki.server("globex", "shop.globex.test", "*.globex.test");
        origin = TestOrigin.http("a");
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 2s }
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false, http2: true }
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                limits: { headerTimeout: 2s, idleTimeout: 10s }
                tenants:
                  - name: acme
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - match: { pathPrefix: /v1/ }
                        to: origin
                        stripPrefix: /v1
                        rewritePrefix: /echo-v1
                        addHeaders: { x-edge-site: test-site }
                        removeHeaders: [ x-secret-internal ]
                      - { match: { pathPrefix: /upload }, to: origin, maxBodyBytes: 64KiB }
                      - { match: { pathPrefix: /only-get, methods: [GET] }, to: origin }
                      - { match: { pathPrefix: /, headers: { x-variant: b } }, to: origin, addHeaders: { x-picked: b } }
                      - { match: { pathPrefix: / }, to: origin }
                  - name: globex
                    hosts: [ "shop.globex.test", "*.globex.test" ]
                    certificate: { cert: globex.crt, key: globex.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { to: origin }
                """.formatted(origin.port(), origin.port()));
        h1 = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        h2 = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private static URI tls(String path) {
        return URI.create("https://localhost:" + edge.port("tls") + path);
    }

    private static TestOrigin.Seen last() {
        TestOrigin.Seen s = null;
        for (TestOrigin.Seen x : origin.seen) {
            s = x;
        }
        return s;
    }

    @Test
    void getOverHttp1AndHttp2WithTls() throws Exception {
        HttpResponse<String> a = h1.send(HttpRequest.newBuilder(tls("/hello?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(a.body()).isEqualTo("origin a /hello?x=1\n");
        HttpResponse<String> b = h2.send(HttpRequest.newBuilder(tls("/hello2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(b.body()).isEqualTo("origin a /hello2\n");
        assertThat(b.headers().firstValue("via")).hasValueSatisfying(v -> assertThat(v).contains("edgespot"));
    }

    @Test
    void aFrameOfAnUnknownTypeInAnHttp2UploadDoesNotStallIt() throws Exception {
        // RFC 9113 section 5.5: a frame of an unknown type is ignored. The proxy reads a stream one message at a
        // time; were the frame handed on as a message, the read it answered would be spent and the upload would
        // wait for a read nobody asks for.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect("127.0.0.1", edge.port("plain")).sync().channel();
            CompletableFuture<String> status = new CompletableFuture<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof Http2HeadersFrame h && h.headers().status() != null) {
                                status.complete(h.headers().status().toString());
                            }
                            ReferenceCountUtil.release(msg);
                        }
                    }).open().get(5, TimeUnit.SECONDS);
            stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("POST").scheme("http")
                    .path("/upload/unknown-frame").authority("localhost"), false));
            stream.write(new DefaultHttp2UnknownFrame((byte) 0x42, new Http2Flags(),
                    Unpooled.copiedBuffer("ignore me", StandardCharsets.US_ASCII)));
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII),
                    true));

            assertThat(status.get(5, TimeUnit.SECONDS)).isEqualTo("200");
            assertThat(last().uri()).isEqualTo("/upload/unknown-frame");
            assertThat(last().bodyBytes()).isEqualTo(4);
            connection.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plainListenerServesHttp1() throws Exception {
        HttpResponse<String> r = plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + edge.port("plain") + "/plain")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("origin a /plain\n");
    }

    @Test
    void forwardingHeadersRequestIdAndTraceContext() throws Exception {
        h1.send(HttpRequest.newBuilder(tls("/echo")).header("X-Forwarded-For", "6.6.6.6")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .header("x-request-id", "req-123").build(), HttpResponse.BodyHandlers.ofString());
        TestOrigin.Seen s = last();
        assertThat(s.header("x-forwarded-for")).isEqualTo("127.0.0.1"); // untrusted incoming value replaced
        assertThat(s.header("x-forwarded-proto")).isEqualTo("https");
        assertThat(s.header("x-forwarded-host")).startsWith("localhost:");
        assertThat(s.header("via")).isEqualTo("1.1 edgespot");
        assertThat(s.header("x-request-id")).isEqualTo("req-123");
        assertThat(s.header("traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        h2.send(HttpRequest.newBuilder(tls("/echo")).header("traceparent", "garbage").build(),
                HttpResponse.BodyHandlers.ofString());
        s = last();
        assertThat(s.header("via")).isEqualTo("2 edgespot");
        assertThat(s.header("x-http2-scheme")).isNull();
        assertThat(s.header("x-http2-stream-id")).isNull();
        assertThat(s.header("x-request-id")).matches("[0-9a-f]{32}");
        assertThat(ForwardHeaders.validTraceparent(s.header("traceparent"))).isTrue();
    }

    @Test
    void hopByHopHeadersAreRemoved() throws Exception {
        String r = RawHttp.exchange(edge.port("plain"), "GET /echo HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: keep-alive, x-drop-me\r\nx-drop-me: 1\r\nKeep-Alive: timeout=5\r\n"
                + "connection: X-Also-Drop ,\t,close\r\nx-also-drop: 1\r\nx-close: kept\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nTE: trailers\r\nUpgrade: h2c\r\nx-kept: yes\r\n\r\n", 500);
        assertThat(RawHttp.status(r)).isEqualTo(200);
        TestOrigin.Seen s = last();
        assertThat(s.header("x-kept")).isEqualTo("yes");
        assertThat(s.header("keep-alive")).isNull();
        assertThat(s.header("te")).isNull();
        assertThat(s.header("upgrade")).isNull();
        assertThat(s.header("x-drop-me")).isNull();
        assertThat(s.header("x-also-drop")).isNull();
        assertThat(s.header("x-close")).isEqualTo("kept");
        assertThat(s.header("proxy-authorization")).isNull();
    }

    @Test
    void routesRewriteAndAddAndRemoveHeaders() throws Exception {
        h1.send(HttpRequest.newBuilder(tls("/v1/items?q=2")).header("x-secret-internal", "s").build(),
                HttpResponse.BodyHandlers.ofString());
        TestOrigin.Seen s = last();
        assertThat(s.uri()).isEqualTo("/echo-v1/items?q=2");
        assertThat(s.header("x-edge-site")).isEqualTo("test-site");
        assertThat(s.header("x-secret-internal")).isNull();

        h1.send(HttpRequest.newBuilder(tls("/h")).header("x-variant", "b").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(last().header("x-picked")).isEqualTo("b");
    }

    @Test
    void unknownMethodRouteAndHostGet404() throws Exception {
        HttpResponse<String> r = h1.send(HttpRequest.newBuilder(tls("/only-get"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // DELETE falls through to the catch-all route
        assertThat(r.statusCode()).isEqualTo(200);
        String unknown = RawHttp.exchange(edge.port("plain"), "GET / HTTP/1.1\r\nHost: nobody.test\r\n\r\n", 500);
        assertThat(RawHttp.status(unknown)).isEqualTo(404);
        assertThat(unknown).contains("\"reason\":\"unknown host\"").contains("request_id");
    }

    @Test
    void bodiesStreamBothWays() throws Exception {
        byte[] upload = new byte[60 * 1024];
        HttpResponse<String> up = h2.send(HttpRequest.newBuilder(tls("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(last().bodyBytes()).isEqualTo(upload.length);

        for (HttpClient c : new HttpClient[] {h1, h2}) {
            HttpResponse<byte[]> big = c.send(HttpRequest.newBuilder(tls("/bytes/4194304?chunked")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(big.statusCode()).isEqualTo(200);
            assertThat(big.body()).hasSize(4 * 1024 * 1024);
        }
    }

    @Test
    void oversizedBodyGets413AndNeverReachesTheUpstream() throws Exception {
        int before = origin.hits.get();
        HttpResponse<String> r = h1.send(HttpRequest.newBuilder(tls("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100 * 1024])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(origin.hits.get()).isEqualTo(before);
    }

    @Test
    void headAndNoContent() throws Exception {
        for (HttpClient c : new HttpClient[] {h1, h2}) {
            HttpResponse<String> head = c.send(HttpRequest.newBuilder(tls("/bytes/1000"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> nc = c.send(HttpRequest.newBuilder(tls("/status/204")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(nc.statusCode()).isEqualTo(204);
            // the connection is still usable afterwards
            assertThat(c.send(HttpRequest.newBuilder(tls("/after")).build(), HttpResponse.BodyHandlers.ofString())
                    .body()).isEqualTo("origin a /after\n");
        }
    }

    @Test
    void manyConcurrentHttp2Streams() throws Exception {
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 50; i++) {
            futures.add(h2.sendAsync(HttpRequest.newBuilder(tls("/slow/20?i=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : futures) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }
}
