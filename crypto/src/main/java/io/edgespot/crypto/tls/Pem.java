package io.edgespot.crypto.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes PEM files with BouncyCastle's parser and the JDK's key factories.
 *
 * <p>No BouncyCastle provider is registered: BouncyCastle only parses, the JDK builds the key objects, so
 * they work with Conscrypt and with the JDK's own TLS code alike.
 */
final class Pem {

    private Pem() {
    }

    /** Reads every certificate in a PEM file, in file order. */
    static List<X509Certificate> readCertificates(Path file, String role) throws TlsMaterialException {
        return certificates(readText(file, role), file, role);
    }

    /** Parses every certificate in PEM text read from {@code file}, in order. */
    static List<X509Certificate> certificates(String text, Path file, String role) throws TlsMaterialException {
        List<Object> objects = parse(text, file, role);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : objects) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsMaterialException(role + " " + file + " holds a certificate the JDK cannot decode",
                            e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(role + " " + file + " contains no PEM certificate");
        }
        return List.copyOf(certificates);
    }

    /**
     * Reads the first private key in a PEM file: PKCS#8 ({@code PRIVATE KEY}), or the traditional
     * {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY} forms. Encrypted keys are refused: the proxy has no
     * passphrase to give.
     */
    static PrivateKey readPrivateKey(Path file) throws TlsMaterialException {
        return privateKey(readText(file, "key file"), file);
    }

    /** Parses the first private key in PEM text read from {@code file}; see {@link #readPrivateKey}. */
    static PrivateKey privateKey(String text, Path file) throws TlsMaterialException {
        List<Object> objects = parse(text, file, "key file");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : objects) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return supported(converter.getPrivateKey(info), file);
                }
                if (object instanceof PEMKeyPair pair) {
                    return supported(converter.getPrivateKey(pair.getPrivateKeyInfo()), file);
                }
            } catch (PEMException e) {
                // The cause is dropped on purpose: parser errors about key bytes are no business of logs.
                throw new TlsMaterialException("key file " + file + " holds a private key that cannot be decoded", e);
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw new TlsMaterialException("key file " + file
                        + " holds an encrypted private key; an unencrypted PKCS#8 key is required");
            }
        }
        throw new TlsMaterialException("key file " + file + " contains no supported private key"
                + " (expected an unencrypted PEM 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY')");
    }

    private static PrivateKey supported(PrivateKey key, Path file) throws TlsMaterialException {
        String algorithm = key.getAlgorithm();
        if (algorithm.equals("EC") || algorithm.equals("RSA")) {
            return key;
        }
        throw new TlsMaterialException("key file " + file + " holds a " + algorithm
                + " private key; only EC and RSA keys are supported");
    }

    private static List<Object> parse(String text, Path file, String role) throws TlsMaterialException {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // Not chained: BouncyCastle's message may quote the offending (possibly secret) bytes.
            throw new TlsMaterialException(role + " " + file + " is not a valid PEM file");
        }
        return objects;
    }

    static String readText(Path file, String role) throws TlsMaterialException {
        return new String(readBytes(file, role), StandardCharsets.US_ASCII);
    }

    static byte[] readBytes(Path file, String role) throws TlsMaterialException {
        if (Files.isDirectory(file)) {
            throw new TlsMaterialException(role + " " + file + " is a directory, not a file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsMaterialException(role + " " + file + " is missing", e);
        } catch (AccessDeniedException e) {
            throw new TlsMaterialException(role + " " + file + " is not readable (permission denied)", e);
        } catch (IOException e) {
            throw new TlsMaterialException(role + " " + file + " cannot be read: " + e.getClass().getSimpleName(),
                    e);
        }
    }

    /** Encodes certificates and keys as PEM text. */
    static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode " + objects.length + " objects", e);
        }
        return out.toString();
    }

    /** Encodes a private key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    static String encodePrivateKey(PrivateKey key) {
        // An explicit PemObject: handed a PrivateKeyInfo, BouncyCastle would write an EC key as SEC1
        // "EC PRIVATE KEY" without its curve (the JDK keeps the curve in the PKCS#8 wrapper only).
        return encode(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /**
     * Writes a file so that readers see the old or the new content, never a mix: a temporary file in the same
     * directory, then an atomic rename. Private files are created with mode 0600 before any byte is written.
     */
    static void writeAtomically(Path file, String content, boolean privateFile) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(privateFile ? "rw-------" : "rw-r--r--")))
                : Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
