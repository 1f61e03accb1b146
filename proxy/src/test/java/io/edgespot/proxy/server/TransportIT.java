package io.edgespot.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.EdgeConfig.TransportKind;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each socket transport serves the proxy whole: the one {@code server.transport} names runs (the host has io_uring
 * and epoll, or the case is skipped), and over it a plain HTTP/1.1 and a TLS HTTP/2 client each send a body up and
 * get a larger one back, through the pooled upstream connection the same transport made.
 */
final class TransportIT {

    private static final int UP_BYTES = 300 * 1024;
    private static final int DOWN_BYTES = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        origin = TestOrigin.http("a");
    }

    @AfterAll
    static void stop() {
        if (origin != null) {
            origin.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"IO_URING", "EPOLL", "NIO"})
    void theNamedTransportCarriesBodiesBothWaysOverBothProtocols(TransportKind kind) throws Exception {
        Assumptions.assumeTrue(kind != TransportKind.IO_URING || IoUring.isAvailable(), "no io_uring on this host");
        Assumptions.assumeTrue(kind != TransportKind.EPOLL || Epoll.isAvailable(), "no epoll on this host");
        String name = kind.name().toLowerCase(Locale.ROOT);
        try (EdgeFixture edge = edge(name)) {
            assertEquals(name, edge.server.transport());
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpClient h2 = HttpClient.newBuilder().sslContext(pki.clientContext(null))
                    .version(HttpClient.Version.HTTP_2).build();
            long before = origin.seen.size();
            for (int i = 0; i < 3; i++) {
                exchange(plain, URI.create("http://127.0.0.1:" + edge.port("plain") + "/bytes/" + DOWN_BYTES),
                        HttpClient.Version.HTTP_1_1);
                exchange(h2, URI.create("https://localhost:" + edge.port("tls") + "/bytes/" + DOWN_BYTES),
                        HttpClient.Version.HTTP_2);
            }
            assertEquals(before + 6, origin.seen.size());
            assertTrue(origin.seen.stream().skip(before).allMatch(s -> s.bodyBytes() == UP_BYTES),
                    "the origin got every upload whole");
            // two clients, one connection each, on at most two event loops: at most two upstream connections carried
            // the six requests, kept and reused by the pool
            long upstreams = origin.seen.stream().skip(before).map(TestOrigin.Seen::remote).distinct().count();
            assertTrue(upstreams <= 2, "upstream connections for six requests in sequence: " + upstreams);
        }
    }

    @Test
    void autoTakesIoUringWhereTheHostHasIt() throws Exception {
        try (EdgeFixture edge = edge("auto")) {
            String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
            assertEquals(expected, edge.server.transport());
        }
    }

    @Test
    void anUnknownTransportIsAConfigErrorThatNamesTheField() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> EdgeFixture.parse(dir, config("kqueue")));
        assertTrue(e.getMessage().contains("server.transport"), e.getMessage());
        assertTrue(e.getMessage().contains("expected one of auto, io-uring, epoll, nio, got 'kqueue'"),
                e.getMessage());
    }

    private static void exchange(HttpClient client, URI uri, HttpClient.Version version) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[UP_BYTES])).build();
        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(version, r.version());
        assertEquals(DOWN_BYTES, r.body().length);
        for (byte b : r.body()) {
            if (b != 'x') {
                throw new AssertionError("a response byte changed on the way: " + b);
            }
        }
    }

    private static EdgeFixture edge(String transport) throws Exception {
        return new EdgeFixture(dir, config(transport));
    }

    private static String config(String transport) {
        return """
                server: { eventLoops: 2, shutdownGrace: 1s, transport: %s }
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false, http2: false }
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                tenants:
                  - name: acme
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: / }, to: origin, maxBodyBytes: 1MiB }
                """.formatted(transport, origin.port());
    }
}
