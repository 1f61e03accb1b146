package io.edgespot.crypto.tls;

import static io.edgespot.crypto.tls.TlsTestSupport.connect;
import static io.edgespot.crypto.tls.TlsTestSupport.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.tls.TlsTestSupport.ClientSide;
import io.edgespot.crypto.tls.TlsTestSupport.TestServer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ClientTlsTest {

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private CertificateAuthority ca;
    private Path caFile;

    @BeforeEach
    void setUp() throws Exception {
        group = TlsTestSupport.newGroup();
        ca = CertificateAuthority.create("origin CA");
        caFile = dir.resolve("ca.crt");
        ca.writeCertPem(caFile);
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    /** An upstream that serves one certificate whatever name the client asks for. */
    private TestServer origin(List<String> certificateNames) throws Exception {
        TenantCertificate only = tenant(dir, "origin", "origin", ca.issueServer(certificateNames), List.of());
        return new TestServer(group, ServerTls.builder().defaultCertificate(only).build());
    }

    private static String causes(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c).append(" | ");
        }
        return out.toString();
    }

    @Test
    void hostnameVerificationRejectsCertificateForAnotherName() throws Exception {
        try (TestServer server = origin(List.of("other.example"))) {
            ClientSide client = connect(group, ClientTls.builder().trustedCaFile(caFile).build(),
                    "origin.acme.example", server.port());

            assertThat(client.success()).isFalse();
            assertThat(causes(client.cause())).contains("origin.acme.example");
        }
    }

    @Test
    void hostnameVerificationAcceptsMatchingDnsNameAndIpAddress() throws Exception {
        try (TestServer server = origin(List.of("origin.acme.example", "127.0.0.1"))) {
            SslContext client = ClientTls.builder().trustedCaFile(caFile).build();

            ClientSide byName = connect(group, client, "origin.acme.example", server.port());
            ClientSide byIp = connect(group, client, "127.0.0.1", server.port());

            assertThat(byName.success()).as("%s", byName.cause()).isTrue();
            assertThat(byIp.success()).as("%s", byIp.cause()).isTrue();
        }
    }

    @Test
    void ipAddressMustBeInCertificate() throws Exception {
        try (TestServer server = origin(List.of("origin.acme.example"))) {
            ClientSide client = connect(group, ClientTls.builder().trustedCaFile(caFile).build(), "127.0.0.1",
                    server.port());

            assertThat(client.success()).isFalse();
            assertThat(causes(client.cause())).contains("127.0.0.1");
        }
    }

    @Test
    void sniCarriesTheHostGivenToNewHandler() throws Exception {
        try (TestServer server = origin(List.of("origin.acme.example"))) {
            connect(group, ClientTls.builder().trustedCaFile(caFile).build(), "Origin.Acme.Example", server.port());

            assertThat(server.nextHandshake().sniHostname()).isEqualTo("origin.acme.example");
        }
    }

    @Test
    void systemTrustStoreDoesNotTrustPrivateCa() throws Exception {
        try (TestServer server = origin(List.of("origin.acme.example"))) {
            ClientSide client = connect(group, ClientTls.builder().build(), "origin.acme.example", server.port());

            assertThat(client.success()).isFalse();
            assertThat(causes(client.cause())).containsIgnoringCase("certification path");
        }
    }

    @Test
    void upstreamWithoutAlpnIsAcceptedAndReportsNoProtocol() throws Exception {
        IssuedCertificate issued = ca.issueServer(List.of("plain.example"));
        SslContext plainServer = SslContextBuilder.forServer(issued.privateKey(), issued.certificate())
                .sslProvider(SslProvider.JDK)
                .build();
        try (TestServer server = new TestServer(group, ch -> plainServer.newHandler(ch.alloc()))) {
            ClientSide client = connect(group, ClientTls.builder().trustedCaFile(caFile).http2(true).build(),
                    "plain.example", server.port());

            assertThat(client.success()).as("%s", client.cause()).isTrue();
            assertThat(client.negotiated().applicationProtocol()).isEmpty();
        }
    }

    @Test
    void alpnOffersH2OnlyWhenEnabled() throws Exception {
        try (TestServer server = origin(List.of("origin.acme.example"))) {
            ClientSide h2 = connect(group, ClientTls.builder().trustedCaFile(caFile).http2(true).build(),
                    "origin.acme.example", server.port());
            ClientSide h1 = connect(group, ClientTls.builder().trustedCaFile(caFile).build(),
                    "origin.acme.example", server.port());

            assertThat(h2.negotiated().applicationProtocol()).isEqualTo("h2");
            assertThat(h1.negotiated().applicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void buildReportsMissingTrustFile() {
        assertThatThrownBy(() -> ClientTls.builder().trustedCaFile(dir.resolve("nope.crt")).build())
                .isInstanceOf(TlsMaterialException.class)
                .hasMessage("trusted CA file " + dir.resolve("nope.crt") + " is missing");
    }
}
