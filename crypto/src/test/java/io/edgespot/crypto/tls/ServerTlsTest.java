package io.edgespot.crypto.tls;

import static io.edgespot.crypto.tls.TlsTestSupport.connect;
import static io.edgespot.crypto.tls.TlsTestSupport.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.tls.TlsTestSupport.ClientSide;
import io.edgespot.crypto.tls.TlsTestSupport.ServerSide;
import io.edgespot.crypto.tls.TlsTestSupport.TestServer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ServerTlsTest {

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private CertificateAuthority ca;
    private Path caFile;
    private TenantCertificate acme;
    private TenantCertificate beta;
    private final AtomicInteger unknownSni = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        group = TlsTestSupport.newGroup();
        ca = CertificateAuthority.create("test CA");
        caFile = dir.resolve("ca.crt");
        ca.writeCertPem(caFile);
        acme = tenant(dir, "acme", "acme", ca.issueServer(List.of("shop.acme.example", "*.acme.example")),
                List.of("shop.acme.example", "*.acme.example"));
        beta = tenant(dir, "beta", "beta", ca.issueServer(List.of("beta.example")), List.of("Beta.Example"));
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    private ServerTls.Builder twoTenants() {
        return ServerTls.builder().add(acme).add(beta).onUnknownSni(unknownSni::incrementAndGet);
    }

    private SslContext client(boolean http2) throws Exception {
        return ClientTls.builder().trustedCaFile(caFile).http2(http2).build();
    }

    @Test
    void alpnNegotiatesH2OnConscryptEngine() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide client = connect(group, client(true), "shop.acme.example", server.port());
            ServerSide seen = server.nextHandshake();

            assertThat(client.success()).as("client handshake: %s", client.cause()).isTrue();
            assertThat(client.negotiated().applicationProtocol()).isEqualTo("h2");
            assertThat(seen.success()).isTrue();
            assertThat(seen.conscrypt()).as("server engine is Conscrypt's").isTrue();
            assertThat(seen.negotiated().applicationProtocol()).isEqualTo("h2");
            assertThat(seen.sniHostname()).isEqualTo("shop.acme.example");
        }
    }

    @Test
    void alpnNegotiatesHttp11WhenClientOffersOnlyHttp11() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide client = connect(group, client(false), "shop.acme.example", server.port());

            assertThat(client.success()).isTrue();
            assertThat(client.negotiated().applicationProtocol()).isEqualTo("http/1.1");
            assertThat(server.nextHandshake().negotiated().applicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void alpnNeverSelectsH2WhenListenerHasHttp2Off() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().http2(false).build())) {
            ClientSide client = connect(group, client(true), "shop.acme.example", server.port());

            assertThat(client.success()).isTrue();
            assertThat(client.negotiated().applicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void tls13HandshakeUsesAeadSuite() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide client = connect(group, client(true), "shop.acme.example", server.port());

            assertThat(client.negotiated().protocol()).isEqualTo("TLSv1.3");
            assertThat(server.nextHandshake().negotiated().cipherSuite())
                    .isIn("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
        }
    }

    @Test
    void tls12HandshakeFromJdkClientUsesEcdheAead() throws Exception {
        SslContext jdkTls12 = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2")
                .trustManager(ca.certificate())
                .build();
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide client = connect(group, jdkTls12, "shop.acme.example", server.port());

            assertThat(client.success()).as("client handshake: %s", client.cause()).isTrue();
            assertThat(client.negotiated().protocol()).isEqualTo("TLSv1.2");
            assertThat(client.negotiated().cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_")
                    .containsAnyOf("_GCM_", "CHACHA20_POLY1305");
            ServerSide seen = server.nextHandshake();
            assertThat(seen.conscrypt()).isTrue();
            assertThat(seen.negotiated().applicationProtocol()).as("client offered no ALPN").isEmpty();
        }
    }

    @Test
    void tls11ClientHelloIsRefusedWithProtocolVersionAlert() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().build());
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TlsTestSupport.TIMEOUT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello("shop.acme.example"));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(7);

            assertThat(header).hasSize(7);
            assertThat(header[0]).as("record type alert").isEqualTo((byte) 21);
            assertThat(header[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(header[6]).as("protocol_version").isEqualTo((byte) 70);
            assertThat(server.nextHandshake().success()).isFalse();
        }
    }

    @Test
    void sniSelectsTenantCertificateForExactWildcardAndMixedCaseNames() throws Exception {
        ServerTls tls = twoTenants().build();
        try (TestServer server = new TestServer(group, tls)) {
            SslContext client = client(true);

            ClientSide exact = connect(group, client, "shop.acme.example", server.port());
            ClientSide wildcard = connect(group, client, "img.acme.example", server.port());
            ClientSide other = connect(group, client, "BETA.example", server.port());

            assertThat(exact.peer().getSubjectX500Principal().getName()).isEqualTo("CN=shop.acme.example");
            assertThat(wildcard.success()).isTrue();
            assertThat(wildcard.peer().getSubjectX500Principal().getName()).isEqualTo("CN=shop.acme.example");
            assertThat(other.success()).isTrue();
            assertThat(other.peer().getSubjectX500Principal().getName()).isEqualTo("CN=beta.example");
        }
        assertThat(tls.tenantFor("IMG.ACME.EXAMPLE")).contains("acme");
        assertThat(tls.tenantFor("beta.example.")).contains("beta");
        assertThat(tls.tenantFor("a.b.acme.example")).isEmpty();
        assertThat(tls.tenantFor(null)).isEmpty();
    }

    @Test
    void exactNameWinsOverWildcardOfAnotherTenant() throws Exception {
        TenantCertificate special = tenant(dir, "special", "special",
                ca.issueServer(List.of("pay.acme.example")), List.of("pay.acme.example"));
        ServerTls tls = twoTenants().add(special).build();
        try (TestServer server = new TestServer(group, tls)) {
            ClientSide pay = connect(group, client(true), "pay.acme.example", server.port());

            assertThat(pay.peer().getSubjectX500Principal().getName()).isEqualTo("CN=pay.acme.example");
        }
        assertThat(tls.tenantFor("pay.acme.example")).contains("special");
        assertThat(tls.tenantFor("shop.acme.example")).contains("acme");
    }

    @Test
    void unknownSniWithoutDefaultFailsHandshakeAndCounts() throws Exception {
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide client = connect(group, client(true), "unknown.example", server.port());

            assertThat(client.success()).isFalse();
            assertThat(client.cause().getMessage()).containsIgnoringCase("unrecognized_name");
            assertThat(server.nextHandshake().success()).isFalse();
            assertThat(unknownSni).hasValue(1);
        }
    }

    @Test
    void unknownSniGetsDefaultCertificateWhenConfigured() throws Exception {
        TenantCertificate fallback = tenant(dir, "edge", "default", ca.issueServer(List.of("edge.example")),
                List.of());
        ServerTls tls = twoTenants().defaultCertificate(fallback).build();
        try (TestServer server = new TestServer(group, tls)) {
            ClientSide client = connect(group, ClientTls.builder().trustedCaFile(caFile).build(), "edge.example",
                    server.port());
            ClientSide viaIp = connect(group, SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(ca.certificate()).endpointIdentificationAlgorithm(null).build(),
                    "127.0.0.1", server.port());

            assertThat(client.success()).isTrue();
            assertThat(client.peer().getSubjectX500Principal().getName()).isEqualTo("CN=edge.example");
            assertThat(viaIp.success()).as("no SNI: %s", viaIp.cause()).isTrue();
            assertThat(viaIp.peer().getSubjectX500Principal().getName()).isEqualTo("CN=edge.example");
        }
        assertThat(unknownSni).hasValue(0);
        assertThat(tls.tenantFor("unknown.example")).contains("edge");
    }

    @Test
    void reloadServesNewCertificateToNewConnections() throws Exception {
        ServerTls tls = twoTenants().build();
        try (TestServer server = new TestServer(group, tls)) {
            SslContext client = client(true);
            ClientSide before = connect(group, client, "shop.acme.example", server.port());

            assertThat(tls.reloadIfChanged().changed()).isFalse();
            ca.issueServer(List.of("shop.acme.example", "*.acme.example"))
                    .writePem(acme.certFile(), acme.keyFile());
            ReloadResult result = tls.reloadIfChanged();
            ClientSide after = connect(group, client, "shop.acme.example", server.port());

            assertThat(result.errors()).isEmpty();
            assertThat(result.reloaded()).containsExactly("tenant acme: shop.acme.example, *.acme.example");
            assertThat(after.success()).isTrue();
            assertThat(after.peer().getSerialNumber()).isNotEqualTo(before.peer().getSerialNumber());
            assertThat(tls.reloadIfChanged().changed()).isFalse();
        }
    }

    @Test
    void reloadKeepsOldCertificateWhenReplacementIsBad() throws Exception {
        ServerTls tls = twoTenants().build();
        try (TestServer server = new TestServer(group, tls)) {
            SslContext client = client(true);
            ClientSide before = connect(group, client, "beta.example", server.port());

            Files.writeString(beta.certFile(), "-----BEGIN CERTIFICATE-----\nnot base64\n", StandardCharsets.US_ASCII);
            ReloadResult bad = tls.reloadIfChanged();
            ClientSide during = connect(group, client, "beta.example", server.port());
            ReloadResult again = tls.reloadIfChanged();

            assertThat(bad.changed()).isFalse();
            assertThat(bad.errors()).singleElement().asString()
                    .startsWith("tenant beta: certificate file " + beta.certFile());
            assertThat(during.success()).isTrue();
            assertThat(during.peer().getSerialNumber()).isEqualTo(before.peer().getSerialNumber());
            assertThat(again.errors()).as("reported once").isEmpty();

            ca.issueServer(List.of("beta.example")).writePem(beta.certFile(), dir.resolve("other.key"));
            assertThat(tls.reloadIfChanged().errors()).singleElement().asString()
                    .contains("does not match the certificate");
        }
    }

    @Test
    void scheduledReloadPicksUpReplacedCertificate() throws Exception {
        ServerTls tls = twoTenants().build();
        SslContext before = tls.contextFor("beta.example").orElseThrow();
        BlockingQueue<ReloadResult> results = new LinkedBlockingQueue<>();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = tls.scheduleReload(executor, Duration.ofMillis(20), results::add);
            ca.issueServer(List.of("beta.example")).writePem(beta.certFile(), beta.keyFile());
            ReloadResult changed = null;
            while (changed == null) {
                ReloadResult next = results.poll(TlsTestSupport.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(next).as("a reload result").isNotNull();
                changed = next.changed() ? next : null;
            }
            task.cancel(false);

            assertThat(changed.reloaded()).containsExactly("tenant beta: beta.example");
            assertThat(tls.contextFor("beta.example")).isPresent().get().isNotSameAs(before);
            assertThat(tls.contextFor("shop.acme.example")).isPresent();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void hostClaimedByTwoTenantsIsRefusedAtBuild() throws Exception {
        TenantCertificate thief = tenant(dir, "thief", "thief", ca.issueServer(List.of("beta.example")),
                List.of("beta.example"));

        assertThatThrownBy(() -> twoTenants().add(thief).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host 'beta.example' is claimed by both tenant beta and tenant thief");
    }

    @Test
    void buildNamesTenantAndFileOfMissingKey() throws Exception {
        TenantCertificate broken = new TenantCertificate("gamma", List.of("gamma.example"), acme.certFile(),
                dir.resolve("gamma.key"));

        assertThatThrownBy(() -> ServerTls.builder().add(broken).build())
                .isInstanceOf(TlsMaterialException.class)
                .hasMessage("tenant gamma: key file " + dir.resolve("gamma.key") + " is missing");
    }

    @Test
    void clientCertificatesAreRequiredAndCheckedAgainstConfiguredCa() throws Exception {
        ServerTls tls = twoTenants().requireClientCertificates(caFile).build();
        Path clientCert = dir.resolve("client.crt");
        Path clientKey = dir.resolve("client.key");
        ca.issueClient("edge-client").writePem(clientCert, clientKey);
        Path strangerCert = dir.resolve("stranger.crt");
        Path strangerKey = dir.resolve("stranger.key");
        CertificateAuthority.create("other CA").issueClient("stranger").writePem(strangerCert, strangerKey);

        try (TestServer server = new TestServer(group, tls)) {
            ClientSide trusted = connect(group, ClientTls.builder().trustedCaFile(caFile)
                    .clientCertificate(clientCert, clientKey).build(), "shop.acme.example", server.port());
            ServerSide trustedSeen = server.nextHandshake();
            connect(group, client(false), "shop.acme.example", server.port());
            ServerSide noneSeen = server.nextHandshake();
            connect(group, ClientTls.builder().trustedCaFile(caFile)
                    .clientCertificate(strangerCert, strangerKey).build(), "shop.acme.example", server.port());
            ServerSide strangerSeen = server.nextHandshake();

            assertThat(trusted.success()).as("trusted client: %s", trusted.cause()).isTrue();
            assertThat(trustedSeen.success()).isTrue();
            // In TLS 1.3 the client finishes before the server has judged its certificate, so the client may
            // report success; the server's refusal is what counts.
            assertThat(noneSeen.success()).isFalse();
            assertThat(strangerSeen.success()).isFalse();
            assertThat(strangerSeen.cause()).isNotNull();
        }
    }

    private CountingTrustManager countingTrust() throws Exception {
        return new CountingTrustManager(
                (X509ExtendedTrustManager) ConscryptContexts.trustManager(List.of(ca.certificate())));
    }

    /** The same construction as {@link ClientTls.Builder#build()}, with a trust manager that counts. */
    private SslContext conscryptClient(CountingTrustManager trust) throws Exception {
        return ConscryptContexts.client(null, trust, true, new ConscryptContexts.Sessions(100, 3600, true));
    }

    @Test
    void tls13SessionIsResumedWithTicketBySameClientContext() throws Exception {
        CountingTrustManager trust = countingTrust();
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            SslContext client = conscryptClient(trust);
            ClientSide first = connect(group, client, "shop.acme.example", server.port());
            ClientSide second = connect(group, client, "shop.acme.example", server.port());

            assertThat(first.negotiated().protocol()).isEqualTo("TLSv1.3");
            assertThat(second.success()).isTrue();
            assertThat(second.peer().getSerialNumber()).isEqualTo(first.peer().getSerialNumber());
            assertThat(trust.serverChecks).as("certificate verified once: second handshake resumed").hasValue(1);
        }
    }

    @Test
    void tls13SessionIsNotResumedWhenTicketsAreOff() throws Exception {
        CountingTrustManager trust = countingTrust();
        try (TestServer server = new TestServer(group, twoTenants().sessionTickets(false).build())) {
            SslContext client = conscryptClient(trust);
            connect(group, client, "shop.acme.example", server.port());
            ClientSide second = connect(group, client, "shop.acme.example", server.port());

            assertThat(second.success()).isTrue();
            assertThat(trust.serverChecks).as("BoringSSL resumes TLS 1.3 only with tickets").hasValue(2);
        }
    }

    @Test
    void tls12SessionIsResumedByJdkClient() throws Exception {
        CountingTrustManager trust = countingTrust();
        SslContext jdkTls12 = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2")
                .trustManager(trust)
                .build();
        try (TestServer server = new TestServer(group, twoTenants().build())) {
            ClientSide first = connect(group, jdkTls12, "shop.acme.example", server.port());
            ClientSide second = connect(group, jdkTls12, "shop.acme.example", server.port());

            assertThat(second.success()).isTrue();
            assertThat(second.negotiated().protocol()).isEqualTo("TLSv1.2");
            assertThat(second.sessionId()).isNotEmpty().isEqualTo(first.sessionId());
            assertThat(trust.serverChecks).hasValue(1);
        }
    }

    /**
     * A minimal TLS 1.1 ClientHello: record and client_version 0x0302, two CBC suites, the SNI extension and no
     * supported_versions extension, so no TLS 1.2+ stack can mistake it for a newer client.
     */
    private static byte[] tls11ClientHello(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream sni = new java.io.ByteArrayOutputStream();
        int listLength = name.length + 3;
        writeShort(sni, 0);
        writeShort(sni, listLength + 2);
        writeShort(sni, listLength);
        sni.write(0);
        writeShort(sni, name.length);
        sni.writeBytes(name);
        byte[] extensions = sni.toByteArray();

        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        writeShort(body, 0x0302);
        body.writeBytes(new byte[32]);
        body.write(0);
        writeShort(body, 4);
        writeShort(body, 0xC009);
        writeShort(body, 0x002F);
        body.write(1);
        body.write(0);
        writeShort(body, extensions.length);
        body.writeBytes(extensions);
        byte[] hello = body.toByteArray();

        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.write(22);
        writeShort(record, 0x0302);
        writeShort(record, hello.length + 4);
        record.write(1);
        record.write(0);
        writeShort(record, hello.length);
        record.writeBytes(hello);
        return record.toByteArray();
    }

    private static void writeShort(java.io.ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }
}
