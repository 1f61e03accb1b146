package io.edgespot.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A KMS client whose key URIs, {@code PREFIX/abs/path}, name a cleartext AEAD keyset file, so no test touches the
 * network. With {@link #PREFIX} it is installed on the test class path through {@code META-INF/services}, as a real
 * one (tink-awskms) is installed on edgespot's.
 */
public final class KeysetFileKmsClient implements KmsClient {
    static final String PREFIX = "keyset-file-kms://";

    private final String prefix;

    /** The no-argument constructor {@code ServiceLoader} calls: URIs under {@link #PREFIX}. */
    public KeysetFileKmsClient() {
        this(PREFIX);
    }

    /** A client for the URIs under {@code prefix}. */
    KeysetFileKmsClient(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public boolean doesSupport(String keyUri) {
        return keyUri != null && keyUri.startsWith(prefix);
    }

    @Override
    public KmsClient withCredentials(String credentialPath) {
        return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
        return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
        try {
            String json = Files.readString(Path.of(keyUri.substring(prefix.length())));
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (IOException e) {
            throw new GeneralSecurityException("no key at " + keyUri, e);
        }
    }
}
