package io.edgespot.crypto.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory ECDSA P-256 certificate authority that issues server and client certificates.
 *
 * <p>Used by {@code edgespot demo} and by TLS tests across the project; production certificates come from a
 * real CA and are only read by this package. Issued certificates start one hour in the past, to tolerate clock
 * skew between machines. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create("edgespot demo CA");
 * ca.writeCertPem(dir.resolve("ca.crt"));
 * ca.issueServer(List.of("shop.acme.example", "127.0.0.1"))
 *         .writePem(dir.resolve("acme.crt"), dir.resolve("acme.key"));
 * }</pre>
 */
public final class CertificateAuthority {

    static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(365);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Creates a self-signed CA with a fresh P-256 key, valid for ten years.
     *
     * @param commonName the CA's subject CN
     * @return a new authority
     */
    public static CertificateAuthority create(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be blank");
        }
        KeyPair keys = X509Issuer.newKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = X509Issuer.sign(X509Issuer.Kind.CA, X509Issuer.commonName(commonName),
                keys.getPublic(), List.of(), null, keys.getPrivate(), now.minus(BACKDATE), now.plus(CA_VALIDITY));
        return new CertificateAuthority(certificate, keys.getPrivate());
    }

    /**
     * Returns the CA certificate, the trust anchor for clients of the certificates it issues.
     *
     * @return the self-signed CA certificate
     */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues a server certificate valid for one year.
     *
     * @param names DNS names (wildcards like {@code *.acme.example} allowed) and IP literals such as
     *     {@code 127.0.0.1} or {@code ::1}; the first one is also the subject CN
     * @return the certificate and its new private key
     */
    public IssuedCertificate issueServer(List<String> names) {
        Instant now = Instant.now();
        return issueServer(names, now.minus(BACKDATE), now.plus(LEAF_VALIDITY));
    }

    /**
     * Issues a server certificate with explicit validity dates, for example an already expired one in tests.
     *
     * @param names DNS names and IP literals; the first one is also the subject CN
     * @param notBefore start of validity
     * @param notAfter end of validity, after {@code notBefore}
     * @return the certificate and its new private key
     */
    public IssuedCertificate issueServer(List<String> names, Instant notBefore, Instant notAfter) {
        List<String> checked = X509Issuer.checkNames(names);
        KeyPair keys = X509Issuer.newKeyPair();
        X509Certificate leaf = X509Issuer.sign(X509Issuer.Kind.SERVER, X509Issuer.commonName(checked.get(0)),
                keys.getPublic(), checked, certificate, privateKey, notBefore, notAfter);
        return new IssuedCertificate(leaf, keys.getPrivate());
    }

    /**
     * Issues a client certificate for mutual TLS, valid for one year.
     *
     * @param commonName the client's subject CN
     * @return the certificate and its new private key
     */
    public IssuedCertificate issueClient(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be blank");
        }
        KeyPair keys = X509Issuer.newKeyPair();
        Instant now = Instant.now();
        X509Certificate leaf = X509Issuer.sign(X509Issuer.Kind.CLIENT, X509Issuer.commonName(commonName),
                keys.getPublic(), List.of(), certificate, privateKey, now.minus(BACKDATE), now.plus(LEAF_VALIDITY));
        return new IssuedCertificate(leaf, keys.getPrivate());
    }

    /**
     * Writes the CA certificate as PEM, replacing the file atomically.
     *
     * @param certFile where to write; parent directories are created
     * @throws IOException if the file cannot be written
     */
    public void writeCertPem(Path certFile) throws IOException {
        Pem.writeAtomically(certFile, Pem.encode(certificate), false);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
