package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters with {@code http2: true}: HTTP/2 to a Vert.x origin by prior knowledge (plain) and through ALPN (TLS),
 * one connection shared by concurrent exchanges, bodies streamed both ways, trailers passed on, a stream reset by
 * the origin, and the fallback to HTTP/1.1 when the origin's ALPN picks it.
 */
@Timeout(60)
final class Http2UpstreamIT {

    @TempDir
    static Path dir;
    static TestPki pki;
    static Vertx vertx;
    static EdgeFixture edge;
    static SSLContext trusting;
    static HttpClient h1;
    static HttpClient h2;
    /** Connections each origin served exchanges on, by origin name. */
    static final ConcurrentHashMap<String, Set<Object>> connections = new ConcurrentHashMap<>();
    static final AtomicInteger healthChecks = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("edge", "localhost", "127.0.0.1");
        TestPki.Issued originCert = pki.server("origin", "origin.test");
        vertx = Vertx.vertx();
        int h2c = origin("h2c", new HttpServerOptions());
        int h2tls = origin("h2tls", tls(originCert).setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)));
        int h1tls = origin("h1tls", tls(originCert).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_1_1)));
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 1, shutdownGrace: 1s }
                listeners:
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                tenants:
                  - name: acme
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: edge.crt, key: edge.key }
                    clusters:
                      h2c: { endpoints: [ "127.0.0.1:%d" ], http2: true, maxConnections: 1,
                             healthCheck: { path: /healthz, interval: 200ms } }
                      h2tls: { endpoints: [ "127.0.0.1:%d" ], http2: true, tls: { ca: ca.crt, sni: origin.test } }
                      h1tls: { endpoints: [ "127.0.0.1:%d" ], http2: true, tls: { ca: ca.crt, sni: origin.test } }
                    routes:
                      - { match: { pathPrefix: /tls/ }, to: h2tls, cache: false }
                      - { match: { pathPrefix: /fallback/ }, to: h1tls, cache: false }
                      - { to: h2c, cache: false }
                """.formatted(h2c, h2tls, h1tls));
        trusting = pki.clientContext(null);
        h1 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        h2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpServerOptions tls(TestPki.Issued cert) {
        return new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(cert.certFile().toString()).setKeyPath(cert.keyFile().toString()));
    }

    /** An origin that names itself, the protocol it was asked in, and the path; it echoes POST bodies. */
    private static int origin(String name, HttpServerOptions options) throws Exception {
        options.setHost("127.0.0.1").setPort(0);
        HttpServer server = vertx.createHttpServer(options).requestHandler(req -> {
            String path = req.path();
            if (path.equals("/healthz")) {
                healthChecks.incrementAndGet(); // each check opens its own connection
                req.response().end("ok");
                return;
            }
            connections.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(req.connection());
            if (path.endsWith("/echo")) {
                req.body().onSuccess(body -> req.response().end(body));
            } else if (path.endsWith("/trailers")) {
                req.response().setChunked(true).putTrailer("grpc-status", "0");
                req.response().write("message").onSuccess(v -> req.response().end());
            } else if (path.endsWith("/reset")) {
                req.response().setChunked(true).write("partial").onSuccess(v -> req.response().reset(2));
            } else if (path.endsWith("/slow")) {
                vertx.setTimer(200, t -> req.response().end(name + " " + req.version() + " " + path));
            } else {
                req.response().putHeader("x-seen-authority", String.valueOf(req.authority()))
                        .end(name + " " + req.version() + " " + path);
            }
        });
        return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static URI uri(String path) {
        return URI.create("https://localhost:" + edge.port("tls") + path);
    }

    private static HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void plainClusterSpeaksHttp2ByPriorKnowledgeToClientsOfEitherProtocol() throws Exception {
        HttpResponse<String> viaH1 = get(h1, "/a");
        assertThat(viaH1.statusCode()).isEqualTo(200);
        assertThat(viaH1.body()).isEqualTo("h2c HTTP_2 /a");
        assertThat(viaH1.headers().firstValue("x-seen-authority")).hasValue("localhost:" + edge.port("tls"));
        assertThat(viaH1.headers().map().keySet()).noneMatch(k -> k.startsWith("x-http2-"));
        HttpResponse<String> viaH2 = get(h2, "/b");
        assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(viaH2.body()).isEqualTo("h2c HTTP_2 /b");
    }

    @Test
    void concurrentExchangesShareOneConnection() throws Exception {
        get(h1, "/warm"); // the cluster allows one connection: every exchange below must be a stream on it
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(h1.sendAsync(HttpRequest.newBuilder(uri("/concurrent/" + i + "/slow"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = all.get(i).get(15, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("exchange %d", i).isEqualTo(200);
            assertThat(r.body()).isEqualTo("h2c HTTP_2 /concurrent/" + i + "/slow");
        }
        assertThat(connections.get("h2c")).hasSize(1);
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        HttpResponse<byte[]> r = h2.send(HttpRequest.newBuilder(uri("/big/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void trailersReachAnHttp2Client() throws Exception {
        Curl.Result r = Curl.run(dir, Duration.ofSeconds(10), "--http2", "--cacert", pki.caFile.toString(),
                uri("/grpc/trailers").toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.body()).isEqualTo("message");
        assertThat(r.header("grpc-status")).as("trailer, in curl's header dump").isEqualTo("0");
    }

    @Test
    void aStreamResetByTheOriginAbortsOnlyThatExchange() throws Exception {
        Curl.Result reset = Curl.run(dir, Duration.ofSeconds(10), "--http1.1", "--cacert", pki.caFile.toString(),
                uri("/x/reset").toString());
        assertThat(reset.exitCode()).as("the client must not see a complete response").isNotZero();
        assertThat(get(h1, "/after-reset").body()).isEqualTo("h2c HTTP_2 /after-reset");
    }

    @Test
    void tlsClusterNegotiatesH2AndVerifiesTheOrigin() throws Exception {
        HttpResponse<String> r = get(h1, "/tls/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("h2tls HTTP_2 /tls/x");
    }

    @Test
    void anOriginThatChoosesHttp11ThroughAlpnIsSpokenToInHttp11() throws Exception {
        HttpResponse<String> r = get(h2, "/fallback/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("h1tls HTTP_1_1 /fallback/x");
    }

    @Test
    void healthChecksUseHttp2() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (healthChecks.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(healthChecks.get()).as("checks answered by the h2c-only origin").isGreaterThanOrEqualTo(2);
        assertThat(edge.metric("edgespot_cluster_endpoints_healthy", "tenant=\"acme\"", "cluster=\"h2c\""))
                .isEqualTo(1);
    }
}
