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
 * A generated certificate with its private key, from {@link CertificateAuthority} or {@link #selfSigned}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the subject only, never the key.
 */
public final class IssuedCertificate {

    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Creates a self-signed server certificate with a fresh P-256 key, valid for one year.
     *
     * <p>A client trusts it by using the certificate itself as its trust anchor.
     *
     * @param names DNS names and IP literals; the first one is also the subject CN
     * @return the certificate and its private key
     */
    public static IssuedCertificate selfSigned(List<String> names) {
        List<String> checked = X509Issuer.checkNames(names);
        KeyPair keys = X509Issuer.newKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = X509Issuer.sign(X509Issuer.Kind.SERVER, X509Issuer.commonName(checked.get(0)),
                keys.getPublic(), checked, null, keys.getPrivate(),
                now.minus(CertificateAuthority.BACKDATE), now.plus(SELF_SIGNED_VALIDITY));
        return new IssuedCertificate(certificate, keys.getPrivate());
    }

    /**
     * Returns the certificate.
     *
     * @return the X.509 certificate
     */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Returns the private key; callers must not log it.
     *
     * @return the private key matching {@link #certificate()}
     */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Writes the certificate and its unencrypted PKCS#8 key as PEM files, each replaced atomically.
     *
     * <p>The key file is created with mode 0600 where the file system supports POSIX permissions. Between the
     * two renames a reader may see a key and certificate that do not match; {@link ServerTls#reloadIfChanged()}
     * refuses such a pair, keeps serving the old one and takes the complete pair on its next check.
     *
     * @param certFile where to write the certificate
     * @param keyFile where to write the private key
     * @throws IOException if a file cannot be written
     */
    public void writePem(Path certFile, Path keyFile) throws IOException {
        Pem.writeAtomically(keyFile, Pem.encodePrivateKey(privateKey), true);
        Pem.writeAtomically(certFile, Pem.encode(certificate), false);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
