package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encrypted cache in the request path: misses, hits, Cache-Status, HEAD from GET, uncached routes, purge. */
final class CacheIT {

    @TempDir
    static Path dir;
    static TestOrigin origin;
    static EdgeFixture edge;
    static HttpClient h1;
    static HttpClient h2;
    static TestPki pki;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost");
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate("acme").writeEncrypted(dir.resolve("acme.keyset"), kek.aead());
        origin = TestOrigin.http("c");
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 2s }
                listeners:
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                keys: { kek: "file:kek.json" }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    keyset: { file: acme.keyset }
                    cache: { maxBytes: 64MiB, maxObjectBytes: 8MiB }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: /api }, to: origin, cache: false }
                      - { to: origin }
                """.formatted(origin.port()));
        h1 = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_1_1).build();
        h2 = HttpClient.newBuilder().sslContext(pki.clientContext(null)).version(HttpClient.Version.HTTP_2).build();
    }

    @AfterAll
    static void stop() {
        edge.close();
        origin.close();
    }

    private static HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + edge.port("tls") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void secondRequestIsAHitOverBothProtocols() throws Exception {
        HttpResponse<String> miss = get(h1, "/cacheable/page");
        int hitsAfterMiss = origin.hits.get();
        double answered = edge.metric("edgespot_requests_total", "code_class=\"2xx\"");
        HttpResponse<String> hit = get(h2, "/cacheable/page");
        assertThat(edge.metric("edgespot_requests_total", "code_class=\"2xx\""))
                .as("the hit over HTTP/2 is counted").isEqualTo(answered + 1);
        HttpResponse<String> hit2 = get(h1, "/cacheable/page");
        assertThat(miss.statusCode()).isEqualTo(200);
        assertThat(miss.headers().firstValue("cache-status").orElse("")).contains("fwd=");
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(hit2.body()).isEqualTo(miss.body());
        assertThat(hit.headers().firstValue("cache-status").orElse("")).contains("hit");
        assertThat(origin.hits.get()).isEqualTo(hitsAfterMiss);
    }

    /** Each hit's end is flushed after the event loop's pass; the next pipelined hit is written from that flush. */
    @Test
    void pipelinedHitsAreAllAnswered() throws Exception {
        String path = "/cacheable/pipelined";
        String body = get(h1, path).body();
        int before = origin.hits.get();
        String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String last = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) pki.clientContext(null).getSocketFactory()
                .createSocket("localhost", edge.port("tls"))) {
            javax.net.ssl.SSLParameters params = s.getSSLParameters();
            params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(params);
            long start = System.nanoTime();
            s.getOutputStream().write((request + request + last).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            RawConnection.Result r = RawConnection.readToClose(s, start, 5000);
            java.util.List<RawConnection.Response> answers = RawConnection.parse(r.text());
            assertThat(answers).hasSize(3);
            for (RawConnection.Response a : answers) {
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.headers().get("cache-status")).contains("hit");
                assertThat(a.body()).isEqualTo(body);
            }
            assertThat(r.closed()).isTrue();
        }
        assertThat(origin.hits.get()).isEqualTo(before);
    }

    @Test
    void largeBodiesAreStoredAndServedInSegments() throws Exception {
        String path = "/cacheable-bytes/3000000?chunked";
        HttpResponse<String> miss = get(h2, path);
        int before = origin.hits.get();
        HttpResponse<String> hit = get(h1, path);
        assertThat(miss.body()).hasSize(3_000_000);
        assertThat(hit.body()).isEqualTo(miss.body());
        assertThat(hit.headers().firstValue("content-length")).hasValue("3000000");
        assertThat(hit.headers().firstValue("cache-status").orElse("")).contains("hit");
        assertThat(origin.hits.get()).isEqualTo(before);
    }

    @Test
    void headIsAnsweredFromTheGetEntry() throws Exception {
        get(h1, "/cacheable/head");
        int before = origin.hits.get();
        HttpResponse<String> head = h1.send(HttpRequest.newBuilder(URI.create("https://localhost:" + edge.port("tls")
                + "/cacheable/head")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(origin.hits.get()).isEqualTo(before);
        // the connection stays usable after a HEAD hit
        assertThat(get(h1, "/cacheable/head").statusCode()).isEqualTo(200);
    }

    @Test
    void uncachedRouteAlwaysGoesToTheOrigin() throws Exception {
        get(h1, "/api/cacheable/x");
        int before = origin.hits.get();
        HttpResponse<String> again = get(h1, "/api/cacheable/x");
        assertThat(origin.hits.get()).isEqualTo(before + 1);
        assertThat(again.headers().firstValue("cache-status")).isEmpty();
    }

    @Test
    void purgeMakesTheNextRequestAMiss() throws Exception {
        get(h1, "/cacheable/purge-me");
        int before = origin.hits.get();
        long purged = edge.cache.purgeUrl("acme", "https", "localhost", "/cacheable/purge-me",
                io.edgespot.cache.PurgeMode.HARD);
        assertThat(purged).isPositive();
        get(h1, "/cacheable/purge-me");
        assertThat(origin.hits.get()).isEqualTo(before + 1);
    }

    @Test
    void rangesAreCutFromTheStoredResponseOverBothProtocols() throws Exception {
        String path = "/cacheable-pattern/300000";
        byte[] whole = TestOrigin.pattern(300_000);
        assertThat(getBytes(h1, path, null).body()).isEqualTo(whole);
        int before = origin.hits.get();

        for (HttpClient client : new HttpClient[] {h1, h2}) {
            // across the boundary of the first two 64 KiB segments
            HttpResponse<byte[]> part = getBytes(client, path, "bytes=65000-70000");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("content-range")).hasValue("bytes 65000-70000/300000");
            assertThat(part.headers().firstValue("content-length")).hasValue("5001");
            assertThat(part.headers().firstValue("cache-status").orElse("")).contains("hit");
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 65000, 70001));

            HttpResponse<byte[]> tail = getBytes(client, path, "bytes=-10");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 299_990, 300_000));

            HttpResponse<byte[]> beyond = getBytes(client, path, "bytes=300000-");
            assertThat(beyond.statusCode()).isEqualTo(416);
            assertThat(beyond.headers().firstValue("content-range")).hasValue("bytes */300000");
            assertThat(beyond.body()).isEmpty();
        }
        assertThat(origin.hits.get()).as("every range came from the cache").isEqualTo(before);
    }

    @Test
    void rangeOnAMissReachesTheOriginWithItsRangeAndIsNotStored() throws Exception {
        String path = "/cacheable/range-miss";
        int before = origin.hits.get();

        HttpResponse<byte[]> first = getBytes(h1, path, "bytes=0-3");

        assertThat(origin.hits.get()).isEqualTo(before + 1);
        assertThat(origin.seen.stream().filter(s -> s.uri().equals(path)).findFirst().orElseThrow()
                .header("range")).isEqualTo("bytes=0-3");
        assertThat(first.headers().firstValue("cache-status").orElse("")).doesNotContain("hit");
        getBytes(h1, path, null);
        assertThat(origin.hits.get()).as("the ranged request stored nothing").isEqualTo(before + 2);
    }

    private static HttpResponse<byte[]> getBytes(HttpClient c, String path, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + edge.port("tls")
                + path));
        if (range != null) {
            request.header("Range", range);
        }
        return c.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
