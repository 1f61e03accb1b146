package io.edgespot.crypto.tls;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds and signs ECDSA P-256 X.509 certificates with BouncyCastle's builder and the JDK's crypto. */
final class X509Issuer {

    /** What a certificate is for; decides its basic constraints, key usage and extended key usage. */
    enum Kind { CA, SERVER, CLIENT }

    private static final SecureRandom RANDOM = new SecureRandom();

    private X509Issuer() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate EC P-256 keys", e);
        }
    }

    static X500Principal commonName(String cn) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        try {
            return new X500Principal(name.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode common name '" + cn + "'", e);
        }
    }

    /**
     * Signs a certificate.
     *
     * @param issuer the issuer's certificate, or {@code null} for a self-signed one
     * @param issuerKey the key that signs (the subject's own key when self-signed)
     * @param names DNS names and IP literals for the subject alternative name; may be empty
     */
    static X509Certificate sign(Kind kind, X500Principal subject, PublicKey subjectKey, List<String> names,
            X509Certificate issuer, PrivateKey issuerKey, Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " must be after notBefore " + notBefore);
        }
        // 127 random bits: positive, unique in practice, within RFC 5280's 20-octet limit.
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        X500Principal issuerName = issuer == null ? subject : issuer.getSubjectX500Principal();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKey));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuer));
            }
            switch (kind) {
                case CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
                default -> throw new IllegalArgumentException("unknown kind " + kind);
            }
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a " + kind + " certificate for " + subject.getName(), e);
        }
    }

    /** IP literals become iPAddress entries (so clients can verify 127.0.0.1 / ::1), the rest dNSName. */
    private static GeneralNames subjectAltNames(List<String> names) {
        List<GeneralName> entries = new ArrayList<>();
        for (String name : names) {
            boolean ip = NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
            entries.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    static List<String> checkNames(List<String> names) {
        List<String> copy = List.copyOf(names);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("names must not be empty");
        }
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).isBlank()) {
                throw new IllegalArgumentException("names[" + i + "] must not be blank");
            }
        }
        return copy;
    }
}
