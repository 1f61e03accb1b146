package io.edgespot.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CertificateAuthorityTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    @Test
    void serverCertificateCarriesDnsAndIpNamesAndIsSignedByCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA");

        X509Certificate leaf = ca.issueServer(List.of("shop.acme.example", "*.acme.example", "127.0.0.1", "::1"))
                .certificate();

        leaf.verify(ca.certificate().getPublicKey());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "shop.acme.example"), List.of(2, "*.acme.example"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=shop.acme.example");
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
    }

    @Test
    void clientCertificateIsForClientAuthentication() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA");

        X509Certificate client = ca.issueClient("edge-client").certificate();

        client.verify(ca.certificate().getPublicKey());
        assertThat(client.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=edge-client");
    }

    @Test
    void selfSignedCertificateVerifiesWithItsOwnKey() throws Exception {
        X509Certificate self = IssuedCertificate.selfSigned(List.of("localhost", "127.0.0.1")).certificate();

        self.verify(self.getPublicKey());
        assertThat(self.getIssuerX500Principal()).isEqualTo(self.getSubjectX500Principal());
    }

    @Test
    void writePemRoundTripsAndKeepsKeyPrivate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA");
        IssuedCertificate issued = ca.issueServer(List.of("site.example"));
        Path cert = dir.resolve("tls/site.crt");
        Path key = dir.resolve("tls/site.key");
        Path caFile = dir.resolve("tls/ca.crt");

        issued.writePem(cert, key);
        ca.writeCertPem(caFile);
        CertifiedKey loaded = PemMaterial.load(cert, key);

        assertThat(loaded.leaf()).isEqualTo(issued.certificate());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(issued.privateKey().getEncoded());
        assertThat(Pem.readCertificates(caFile, "CA file")).containsExactly(ca.certificate());
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(issued.toString()).isEqualTo("IssuedCertificate[CN=site.example]");
        try (var listing = Files.list(dir.resolve("tls"))) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "site.crt", "site.key", "ca.crt");
        }
    }

    @Test
    void namesMustNotBeEmpty() {
        CertificateAuthority ca = CertificateAuthority.create("test CA");

        assertThatThrownBy(() -> ca.issueServer(List.of())).hasMessage("names must not be empty");
        assertThatThrownBy(() -> ca.issueServer(List.of("a.example", " "))).hasMessage("names[1] must not be blank");
    }
}
