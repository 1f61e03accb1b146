package io.edgespot.crypto.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Checks a PEM certificate file and its private key file, as {@code edgespot check} does before start-up.
 *
 * <p>Each problem is one short sentence naming the file: missing or unreadable, not a PEM certificate, not a
 * supported private key, key does not match the certificate, certificate expired or not yet valid. Messages
 * never contain key material.
 *
 * <p>The contexts in this package refuse files with any of these problems except the validity dates: an
 * expired certificate is still served (clients will refuse it for that one tenant), so that a restart after
 * an expiry does not take every other tenant down with it.
 */
public final class PemMaterial {

    private PemMaterial() {
    }

    /**
     * Lists the problems of a certificate and key pair, judged at the current time.
     *
     * @param certFile PEM certificate chain, leaf first
     * @param keyFile PEM private key of the leaf
     * @return the problems, empty when the pair is usable
     */
    public static List<String> problems(Path certFile, Path keyFile) {
        return problems(certFile, keyFile, Clock.systemUTC());
    }

    /**
     * Lists the problems of a certificate and key pair, judged at the time given by a clock.
     *
     * @param certFile PEM certificate chain, leaf first
     * @param keyFile PEM private key of the leaf
     * @param clock the time to check validity dates against
     * @return the problems, empty when the pair is usable
     */
    public static List<String> problems(Path certFile, Path keyFile, Clock clock) {
        List<String> problems = new ArrayList<>();
        List<X509Certificate> chain = null;
        PrivateKey key = null;
        try {
            chain = Pem.readCertificates(certFile, "certificate file");
        } catch (TlsMaterialException e) {
            problems.add(e.getMessage());
        }
        try {
            key = Pem.readPrivateKey(keyFile);
        } catch (TlsMaterialException e) {
            problems.add(e.getMessage());
        }
        if (chain != null && key != null) {
            try {
                checkMatch(chain.get(0), key, certFile, keyFile);
            } catch (TlsMaterialException e) {
                problems.add(e.getMessage());
            }
        }
        if (chain != null) {
            problems.addAll(validityProblems(chain, certFile, clock));
        }
        return List.copyOf(problems);
    }

    /**
     * Loads a certificate chain and its key, refusing unreadable, unparseable and mismatched files.
     * Validity dates are not checked here (see the class comment).
     */
    static CertifiedKey load(Path certFile, Path keyFile) throws TlsMaterialException {
        List<X509Certificate> chain = Pem.readCertificates(certFile, "certificate file");
        PrivateKey key = Pem.readPrivateKey(keyFile);
        checkMatch(chain.get(0), key, certFile, keyFile);
        return new CertifiedKey(chain, key);
    }

    /** Like {@link #load(Path, Path)} for contents already read, so that what is checked is what is used. */
    static CertifiedKey parse(String certText, Path certFile, String keyText, Path keyFile)
            throws TlsMaterialException {
        List<X509Certificate> chain = Pem.certificates(certText, certFile, "certificate file");
        PrivateKey key = Pem.privateKey(keyText, keyFile);
        checkMatch(chain.get(0), key, certFile, keyFile);
        return new CertifiedKey(chain, key);
    }

    /**
     * Proves that the private key belongs to the certificate's public key by signing a random challenge and
     * verifying it with the certificate. This compares the key pair itself and works for EC and RSA alike,
     * without re-deriving a public point from the private scalar.
     */
    static void checkMatch(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile)
            throws TlsMaterialException {
        PublicKey publicKey = certificate.getPublicKey();
        String mismatch = "private key in " + keyFile + " does not match the certificate in " + certFile;
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            throw new TlsMaterialException(mismatch + " (" + key.getAlgorithm() + " key, "
                    + publicKey.getAlgorithm() + " certificate)");
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new TlsMaterialException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            // Keys on different curves land here; the JDK's message is not needed to explain the outcome.
            throw new TlsMaterialException(mismatch);
        }
    }

    private static List<String> validityProblems(List<X509Certificate> chain, Path certFile, Clock clock) {
        List<String> problems = new ArrayList<>();
        Date now = Date.from(clock.instant());
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = i == 0 ? "certificate in " + certFile : "certificate " + (i + 1) + " in " + certFile;
            try {
                certificate.checkValidity(now);
            } catch (CertificateExpiredException e) {
                problems.add(which + " expired on " + certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                problems.add(which + " is not valid before " + certificate.getNotBefore().toInstant());
            }
        }
        return problems;
    }
}
