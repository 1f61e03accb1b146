package io.edgespot.proxy.config;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.KeyException;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.crypto.tls.PemMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checks referenced files for real: certificates parse and match their keys, keysets open under the KEK.
 *
 * <p>One instance serves one load, so a KEK named by several tenants is resolved once. Messages
 * come from the crypto module and never carry key material.
 */
public final class VerifiedFileChecks implements FileChecks {

    private final Map<String, Optional<KeyEncryptionKey>> keks = new HashMap<>();

    @Override
    public void certificate(Path cert, Path key, Consumer<String> problem) {
        PemMaterial.problems(cert, key).forEach(problem);
    }

    @Override
    public void caBundle(Path ca, Consumer<String> problem) {
        try (InputStream in = Files.newInputStream(ca)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                problem.accept("no PEM certificate in " + ca);
            }
        } catch (IOException | CertificateException e) {
            problem.accept("not a PEM certificate bundle: " + ca);
        }
    }

    @Override
    public void keyset(Path file, String tenant, Optional<String> kekSpec, Consumer<String> problem) {
        if (kekSpec.isEmpty()) {
            return;
        }
        Optional<KeyEncryptionKey> kek = keks.computeIfAbsent(kekSpec.get(), spec -> {
            try {
                return Optional.of(KeyEncryptionKey.resolve(spec));
            } catch (KeyException e) {
                problem.accept("cannot resolve keys.kek: " + e.getMessage());
                return Optional.empty();
            }
        });
        kek.ifPresent(k -> {
            try {
                TenantKeys.load(file, tenant, k.aead());
            } catch (KeyException e) {
                problem.accept(e.getMessage());
            }
        });
    }
}
