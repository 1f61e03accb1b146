package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.tls.ReloadResult;
import io.edgespot.crypto.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downstream TLS against the real server: SNI picks the tenant's certificate (exact and wildcard names), unknown
 * names are refused (and counted) unless the listener has a default tenant, SNI and Host must name the same
 * tenant (421 otherwise, over HTTP/1.1 and HTTP/2), certificates reload without dropping open connections, TLS
 * 1.2 and 1.3 are accepted and 1.1 is not, ALPN picks h2 or http/1.1.
 *
 * <p>Clients: a JDK {@code SSLSocket} with an explicit SNI name ({@link TlsClient}), curl with {@code --resolve}
 * ({@link Curl}), the JDK HttpClient for {@code localhost}, and a hand-written ClientHello for protocol versions
 * the JDK client refuses to send.
 */
@Timeout(30)
final class TlsIT {

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestOrigin acme;
    static TestOrigin globex;
    static EdgeFixture edge;
    static SSLContext trusting;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir);
        pki.server("acme", "localhost", "127.0.0.1");
        pki.server("globex", "shop.globex.test", "*.globex.test");
        acme = TestOrigin.http("acme");
        globex = TestOrigin.http("globex");
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 1s }
                listeners:
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                  - { name: dflt, address: "127.0.0.1:0", tls: true, http2: true, defaultTenant: acme }
                  - { name: notickets, address: "127.0.0.1:0", tls: true, http2: true, sessionTickets: false }
                admin: { enabled: false }
                limits: { headerTimeout: 5s, idleTimeout: 20s }
                tenants:
                  - name: acme
                    hosts: [ "localhost", "127.0.0.1" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { to: origin }
                  - name: globex
                    hosts: [ "shop.globex.test", "*.globex.test" ]
                    certificate: { cert: globex.crt, key: globex.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { to: origin }
                """.formatted(acme.port(), globex.port()));
        trusting = pki.clientContext(null);
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (acme != null) {
            acme.close();
        }
        if (globex != null) {
            globex.close();
        }
    }

    private static int port(String listener) {
        return edge.port(listener);
    }

    private static TlsClient connect(String listener, String sni) throws Exception {
        return TlsClient.connect(fresh(), port(listener), sni, null);
    }

    /**
     * A client context with an empty session cache. The JDK client caches sessions by peer address, and when it
     * resumes one it sends the SNI name of that session, not the one configured: each connection gets its own
     * context so that the name sent is the name asked for.
     */
    private static SSLContext fresh() throws Exception {
        return pki.clientContext(null);
    }

    private static Curl.Result curl(String... args) throws Exception {
        return Curl.run(dir, Duration.ofSeconds(10), args);
    }

    private static String resolve(String host) {
        return host + ":" + port("tls") + ":127.0.0.1";
    }

    private static String cn(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    // ---------------------------------------------------------------- SNI selection

    @Test
    void sniSelectsEachTenantsCertificateAndUpstream() throws Exception {
        long acmeBefore = acme.count("/");
        long globexBefore = globex.count("/");
        try (TlsClient c = connect("tls", "shop.globex.test")) {
            X509Certificate cert = c.peer();
            assertThat(cn(cert)).isEqualTo("CN=shop.globex.test");
            assertThat(TlsClient.dnsNames(cert)).containsExactlyInAnyOrder("shop.globex.test", "*.globex.test");
            assertThat(cert.getIssuerX500Principal()).isEqualTo(pki.ca.certificate().getSubjectX500Principal());
            TlsClient.Response r = c.get("shop.globex.test", "/sni-exact");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("origin globex /sni-exact\n");
        }
        try (TlsClient c = connect("tls", "localhost")) {
            assertThat(cn(c.peer())).isEqualTo("CN=localhost");
            assertThat(TlsClient.dnsNames(c.peer())).containsExactly("localhost");
            TlsClient.Response r = c.get("localhost", "/sni-acme");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("origin acme /sni-acme\n");
        }
        assertThat(globex.count("/")).isEqualTo(globexBefore + 1);
        assertThat(acme.count("/")).isEqualTo(acmeBefore + 1);
    }

    @Test
    void wildcardHostGetsTheWildcardCertificate() throws Exception {
        try (TlsClient c = connect("tls", "api.globex.test")) {
            assertThat(TlsClient.dnsNames(c.peer())).contains("*.globex.test");
            TlsClient.Response r = c.get("api.globex.test", "/sni-wild");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("origin globex /sni-wild\n");
            // another host of the same tenant on the same connection is fine
            assertThat(c.get("shop.globex.test", "/sni-wild2").body()).isEqualTo("origin globex /sni-wild2\n");
        }
        // curl verifies the certificate against the name itself, like a browser would
        for (String host : List.of("shop.globex.test", "api.globex.test")) {
            Curl.Result r = curl("--resolve", resolve(host), "--cacert", pki.caFile.toString(),
                    "https://" + host + ":" + port("tls") + "/curl-" + host);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("origin globex /curl-" + host + "\n");
        }
    }

    @Test
    void unknownSniWithoutDefaultFailsTheHandshakeAndIsCounted() throws Exception {
        String[] unknown = {"listener=\"tls\"", "result=\"unknown_sni\""};
        double before = edge.metric("edgespot_tls_handshakes_total", unknown);
        long acmeBefore = acme.count("/");
        long globexBefore = globex.count("/");
        assertThatThrownBy(() -> connect("tls", "nobody.example").close())
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("unrecognized_name");
        assertThat(edge.metric("edgespot_tls_handshakes_total", unknown)).isEqualTo(before + 1);
        // a ClientHello without SNI at all is refused the same way
        assertThatThrownBy(() -> connect("tls", null).close()).isInstanceOf(SSLException.class);
        assertThat(edge.metric("edgespot_tls_handshakes_total", unknown)).isEqualTo(before + 2);
        // and so is a real client
        Curl.Result r = curl("--resolve", resolve("nobody.example"), "--cacert", pki.caFile.toString(),
                "https://nobody.example:" + port("tls") + "/");
        assertThat(r.exitCode()).as("curl exit code (35: TLS handshake failed)").isEqualTo(35);
        assertThat(r.statuses()).isEmpty();
        assertThat(edge.metric("edgespot_tls_handshakes_total", unknown)).isEqualTo(before + 3);
        assertThat(acme.count("/")).isEqualTo(acmeBefore);
        assertThat(globex.count("/")).isEqualTo(globexBefore);
    }

    @Test
    void unknownSniIsNotAlsoCountedAsAFailedHandshake() throws Exception {
        String[] unknown = {"listener=\"tls\"", "result=\"unknown_sni\""};
        String[] failed = {"listener=\"tls\"", "result=\"failed\""};
        double unknownBefore = edge.metric("edgespot_tls_handshakes_total", unknown);
        double failedBefore = edge.metric("edgespot_tls_handshakes_total", failed);
        assertThatThrownBy(() -> connect("tls", "nobody-else.example").close()).isInstanceOf(SSLException.class);
        assertThat(edge.metric("edgespot_tls_handshakes_total", unknown)).isEqualTo(unknownBefore + 1);
        assertThat(edge.metric("edgespot_tls_handshakes_total", failed)).isEqualTo(failedBefore);
    }

    @Test
    void defaultTenantAnswersUnknownSni() throws Exception {
        for (String sni : new String[] {"nobody.example", null}) {
            try (TlsClient c = connect("dflt", sni)) {
                assertThat(cn(c.peer())).isEqualTo("CN=localhost");
                TlsClient.Response r = c.get("localhost", "/dflt");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("origin acme /dflt\n");
            }
        }
        // known names still get their own certificate on the listener with a default
        try (TlsClient c = connect("dflt", "shop.globex.test")) {
            assertThat(cn(c.peer())).isEqualTo("CN=shop.globex.test");
        }
    }

    // ---------------------------------------------------------------- SNI / Host mismatch

    @Test
    void hostOfAnotherTenantIsMisdirectedOverHttp1() throws Exception {
        long acmeBefore = acme.count("/");
        long globexBefore = globex.count("/");
        try (TlsClient c = connect("tls", "shop.globex.test")) {
            TlsClient.Response r = c.get("localhost", "/misdirected-h1");
            assertThat(r.status()).isEqualTo(421);
            assertThat(r.body()).contains("\"status\":421");
            // an unknown Host on a tenant's connection is misdirected too
            assertThat(c.get("nobody.example", "/misdirected-h1b").status()).isEqualTo(421);
            // the connection stays usable for its own tenant
            assertThat(c.get("shop.globex.test", "/after-421").status()).isEqualTo(200);
        }
        assertThat(acme.count("/misdirected")).isZero();
        assertThat(globex.count("/misdirected")).isZero();
        assertThat(acme.count("/")).isEqualTo(acmeBefore);
        assertThat(globex.count("/")).isEqualTo(globexBefore + 1);
    }

    @Test
    void hostOfAnotherTenantIsMisdirectedOverHttp2() throws Exception {
        long acmeBefore = acme.count("/");
        Curl.Result r = curl("--http2", "--resolve", resolve("shop.globex.test"), "--cacert", pki.caFile.toString(),
                "-H", "Host: localhost", "https://shop.globex.test:" + port("tls") + "/misdirected-h2");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.httpVersion()).isEqualTo("2");
        assertThat(r.status()).isEqualTo(421);
        assertThat(acme.count("/")).isEqualTo(acmeBefore);
        assertThat(globex.count("/misdirected-h2")).isZero();
    }

    // ---------------------------------------------------------------- certificate reload

    @Test
    void reloadedCertificateServesNewConnectionsAndOpenOnesKeepWorking() throws Exception {
        try (TlsClient old = connect("tls", "reload.globex.test")) {
            BigInteger oldSerial = old.peer().getSerialNumber();
            assertThat(old.get("reload.globex.test", "/before-reload").status()).isEqualTo(200);

            TestPki.Issued fresh = pki.server("globex", "shop.globex.test", "*.globex.test");
            BigInteger newSerial = fresh.certificate().certificate().getSerialNumber();
            assertThat(newSerial).isNotEqualTo(oldSerial);
            List<ReloadResult> results = new ArrayList<>();
            edge.server.serverTls().forEach(t -> results.add(t.reloadIfChanged()));
            assertThat(results).allSatisfy(res -> assertThat(res.errors()).isEmpty());
            assertThat(results).anySatisfy(res -> assertThat(res.reloaded()).isNotEmpty());

            try (TlsClient fresh1 = connect("tls", "reload.globex.test")) {
                assertThat(fresh1.peer().getSerialNumber()).isEqualTo(newSerial);
                assertThat(fresh1.get("reload.globex.test", "/after-reload").status()).isEqualTo(200);
            }
            // the listener with a default tenant reloaded too
            try (TlsClient fresh2 = connect("dflt", "shop.globex.test")) {
                assertThat(fresh2.peer().getSerialNumber()).isEqualTo(newSerial);
            }
            // the connection opened before the reload is untouched
            assertThat(old.peer().getSerialNumber()).isEqualTo(oldSerial);
            TlsClient.Response again = old.get("reload.globex.test", "/old-connection");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body()).isEqualTo("origin globex /old-connection\n");
        }
        // nothing changed since: a second check reloads nothing
        edge.server.serverTls().forEach(t -> assertThat(t.reloadIfChanged().reloaded()).isEmpty());
    }

    // ---------------------------------------------------------------- protocol versions

    @Test
    void tls12AndTls13AreAccepted() throws Exception {
        for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
            double before = edge.metric("edgespot_tls_handshakes_total", "version=\"" + version + "\"",
                    "result=\"ok\"");
            try (TlsClient c = TlsClient.connect(fresh(), port("tls"), "localhost", new String[] {version})) {
                assertThat(c.protocol()).isEqualTo(version);
                assertThat(c.get("localhost", "/v-" + version).status()).isEqualTo(200);
            }
            assertThat(edge.metric("edgespot_tls_handshakes_total", "version=\"" + version + "\"",
                    "result=\"ok\"")).isEqualTo(before + 1);
        }
    }

    /**
     * The JDK client itself refuses TLS 1.1 (jdk.tls.disabledAlgorithms), so a test with it would pass without
     * talking to the server. The ClientHello is written by hand: the same hello with version 1.2 gets a
     * ServerHello, with version 1.1 a protocol_version alert.
     */
    @Test
    void tls11IsRefused() throws Exception {
        byte[] answer12 = rawHello(0x0303);
        assertThat(answer12[0]).as("TLS 1.2 hello: record type handshake").isEqualTo((byte) 22);
        assertThat(answer12[5]).as("handshake type server_hello").isEqualTo((byte) 2);
        assertThat(answer12[9] << 8 | answer12[10]).as("server_hello version").isEqualTo(0x0303);

        byte[] answer11 = rawHello(0x0302);
        assertThat(answer11).as("TLS 1.1 hello gets an answer").isNotEmpty();
        assertThat(answer11[0]).as("record type alert").isEqualTo((byte) 21);
        assertThat(answer11[5]).as("fatal").isEqualTo((byte) 2);
        assertThat(answer11[6]).as("protocol_version").isEqualTo((byte) 70);
    }

    /** Sends a ClientHello with legacy_version {@code version} and returns the first record of the answer. */
    private static byte[] rawHello(int version) throws IOException {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII);
        writeExt(ext, 0x0000, cat(u16(name.length + 3), new byte[] {0}, u16(name.length), name)); // server_name
        writeExt(ext, 0x000a, cat(u16(4), u16(0x001d), u16(0x0017)));                 // x25519, secp256r1
        writeExt(ext, 0x000b, new byte[] {1, 0});                                      // uncompressed points
        writeExt(ext, 0x000d, cat(u16(6), u16(0x0403), u16(0x0804), u16(0x0401)));     // signature algorithms
        byte[] suites = cat(u16(0xc02b), u16(0xc02f), u16(0xc009), u16(0xc013), u16(0x002f));
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        byte[] body = cat(u16(version), random, new byte[] {0}, u16(suites.length), suites, new byte[] {1, 0},
                u16(ext.size()), ext.toByteArray());
        byte[] handshake = cat(new byte[] {1, 0}, u16(body.length), body);
        byte[] record = cat(new byte[] {22, 3, 1}, u16(handshake.length), handshake);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port("tls")), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(record);
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[5];
            try {
                in.readFully(header);
            } catch (EOFException closed) {
                return new byte[0];
            }
            byte[] payload = new byte[(header[3] & 0xff) << 8 | header[4] & 0xff];
            in.readFully(payload);
            return cat(header, payload);
        }
    }

    private static void writeExt(ByteArrayOutputStream out, int type, byte[] data) {
        out.writeBytes(u16(type));
        out.writeBytes(u16(data.length));
        out.writeBytes(data);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- ALPN

    @Test
    void alpnNegotiatesH2OrHttp11() throws Exception {
        try (TlsClient c = TlsClient.connect(fresh(), port("tls"), "localhost", null, "h2", "http/1.1")) {
            assertThat(c.alpn()).isEqualTo("h2");
        }
        try (TlsClient c = TlsClient.connect(fresh(), port("tls"), "localhost", null, "http/1.1")) {
            assertThat(c.alpn()).isEqualTo("http/1.1");
            assertThat(c.get("localhost", "/alpn-h1").body()).isEqualTo("origin acme /alpn-h1\n");
        }
        try (TlsClient c = TlsClient.connect(fresh(), port("tls"), "localhost", null)) {
            assertThat(c.alpn()).isEmpty(); // no ALPN offered: HTTP/1.1
            assertThat(c.get("localhost", "/alpn-none").body()).isEqualTo("origin acme /alpn-none\n");
        }
        HttpClient h2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port("tls") + "/alpn-h2")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.body()).isEqualTo("origin acme /alpn-h2\n");

        Curl.Result c2 = curl("--http2", "--resolve", resolve("shop.globex.test"), "--cacert",
                pki.caFile.toString(), "https://shop.globex.test:" + port("tls") + "/alpn-curl-h2");
        assertThat(c2.httpVersion()).isEqualTo("2");
        assertThat(c2.body()).isEqualTo("origin globex /alpn-curl-h2\n");
        Curl.Result c1 = curl("--http1.1", "--resolve", resolve("shop.globex.test"), "--cacert",
                pki.caFile.toString(), "https://shop.globex.test:" + port("tls") + "/alpn-curl-h1");
        assertThat(c1.httpVersion()).isEqualTo("1.1");
        assertThat(c1.body()).isEqualTo("origin globex /alpn-curl-h1\n");
    }

    // ---------------------------------------------------------------- large responses

    /**
     * Fresh connections each fetching 64 KiB, many at once: the first records written after a TLS 1.3 handshake
     * (session tickets, then full 16 KiB records) must always drain. Before the engine's sessions reported room for
     * two records, one such connection could leave the event loop spinning in its wrap loop, and every connection
     * on that loop stalled.
     */
    @Test
    void largeResponsesOnFreshConnectionsNeverStallTheEventLoop() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> sizes = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                sizes.add(pool.submit(() -> {
                    HttpClient fresh = HttpClient.newBuilder().sslContext(fresh())
                            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                    HttpResponse<byte[]> r = fresh.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port("tls") + "/bytes/65536"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    return r.statusCode() == 200 ? r.body().length : -r.statusCode();
                }));
            }
            for (java.util.concurrent.Future<Integer> f : sizes) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(65536);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- resumption

    @Test
    void tls13SessionsResumeByTicketUnlessTicketsAreOff() throws Exception {
        Path session = dir.resolve("tickets.session");
        String first = sClient("tls", "-sess_out", session.toString());
        assertThat(first).contains("New, TLSv1.3", "origin acme /s-client");
        assertThat(session).as("a ticket was issued").exists();
        assertThat(sClient("tls", "-sess_in", session.toString())).contains("Reused, TLSv1.3");

        Path none = dir.resolve("notickets.session");
        String full = sClient("notickets", "-sess_out", none.toString());
        assertThat(full).contains("New, TLSv1.3", "origin acme /s-client");
        // s_client saves a TLS 1.3 session only from a NewSessionTicket: none was issued, so none can resume.
        assertThat(none).as("no ticket with sessionTickets: false").doesNotExist();
    }

    /**
     * Runs {@code openssl s_client} for one request; the server closes after the response, so the client has
     * read the post-handshake NewSessionTicket, if one was sent, before it saves the session.
     */
    private static String sClient(String listener, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port(listener),
                "-servername", "localhost", "-CAfile", pki.caFile.toString(), "-tls1_3"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write("GET /s-client HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl s_client did not finish");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
