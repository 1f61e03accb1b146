package io.edgespot.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PemMaterialTest {

    @TempDir
    Path dir;

    private CertificateAuthority ca;
    private Path cert;
    private Path key;

    @BeforeEach
    void setUp() throws Exception {
        ca = CertificateAuthority.create("pem CA");
        cert = dir.resolve("site.crt");
        key = dir.resolve("site.key");
        ca.issueServer(List.of("site.example")).writePem(cert, key);
    }

    @Test
    void validPairHasNoProblems() {
        assertThat(PemMaterial.problems(cert, key)).isEmpty();
    }

    @Test
    void missingFilesAreReported() {
        Path noCert = dir.resolve("missing.crt");
        Path noKey = dir.resolve("missing.key");

        assertThat(PemMaterial.problems(noCert, noKey)).containsExactly(
                "certificate file " + noCert + " is missing",
                "key file " + noKey + " is missing");
    }

    @Test
    void garbageFilesAreReported() throws Exception {
        Files.writeString(cert, "hello, I am not a certificate\n");
        Files.writeString(key, "neither am I a key\n");

        assertThat(PemMaterial.problems(cert, key)).containsExactly(
                "certificate file " + cert + " contains no PEM certificate",
                "key file " + key + " contains no supported private key (expected an unencrypted PEM"
                        + " 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY')");
    }

    @Test
    void keyFileHoldingOnlyACertificateIsNotAKey() throws Exception {
        Files.copy(cert, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(PemMaterial.problems(cert, key)).singleElement().asString()
                .startsWith("key file " + key + " contains no supported private key");
    }

    @Test
    void keyOfAnotherCertificateDoesNotMatch() throws Exception {
        Path otherKey = dir.resolve("other.key");
        ca.issueServer(List.of("site.example")).writePem(dir.resolve("other.crt"), otherKey);
        String keyText = Files.readString(otherKey);

        List<String> problems = PemMaterial.problems(cert, otherKey);

        assertThat(problems).containsExactly(
                "private key in " + otherKey + " does not match the certificate in " + cert);
        String base64Body = keyText.split("\n")[1];
        assertThat(String.join("\n", problems)).doesNotContain(base64Body).doesNotContain("PRIVATE KEY");
    }

    @Test
    void rsaKeyDoesNotMatchEcCertificate() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Pem.writeAtomically(key, Pem.encodePrivateKey(rsa.generateKeyPair().getPrivate()), true);

        assertThat(PemMaterial.problems(cert, key)).containsExactly(
                "private key in " + key + " does not match the certificate in " + cert + " (RSA key, EC certificate)");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreReported() throws Exception {
        Instant now = Instant.now();
        Instant end = now.minus(Duration.ofDays(1));
        ca.issueServer(List.of("old.example"), now.minus(Duration.ofDays(30)), end).writePem(cert, key);
        List<String> expired = PemMaterial.problems(cert, key);
        Instant start = now.plus(Duration.ofDays(1));
        ca.issueServer(List.of("new.example"), start, now.plus(Duration.ofDays(30))).writePem(cert, key);
        List<String> early = PemMaterial.problems(cert, key);

        assertThat(expired).singleElement().asString()
                .startsWith("certificate in " + cert + " expired on ")
                .contains(end.toString().substring(0, 10));
        assertThat(early).singleElement().asString()
                .startsWith("certificate in " + cert + " is not valid before ");
    }

    @Test
    void loadRefusesMismatchButAcceptsExpiredCertificate() throws Exception {
        Instant now = Instant.now();
        ca.issueServer(List.of("old.example"), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
                .writePem(cert, key);

        CertifiedKey loaded = PemMaterial.load(cert, key);

        assertThat(loaded.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=old.example");
        assertThat(loaded.toString()).doesNotContain("PRIVATE").contains("old.example");
    }
}
