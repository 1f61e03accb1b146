package io.edgespot.proxy.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Verifies the files a config refers to, beyond existing and being readable.
 *
 * <p>Each method reports problems as short sentences through {@code problem}; the loader attaches
 * the file, line and key path. Messages never contain key material.
 */
public interface FileChecks {

    /** Checks that a PEM certificate chain and private key are readable and belong together. */
    void certificate(Path cert, Path key, Consumer<String> problem);

    /** Checks that a PEM CA bundle holds at least one certificate. */
    void caBundle(Path ca, Consumer<String> problem);

    /** Checks that an encrypted keyset opens for {@code tenant} under the configured KEK. */
    void keyset(Path file, String tenant, Optional<String> kekSpec, Consumer<String> problem);

    /** Checks nothing beyond existence; for tests of the config shape alone. */
    static FileChecks existenceOnly() {
        return new FileChecks() {
            @Override
            public void certificate(Path cert, Path key, Consumer<String> problem) {
            }

            @Override
            public void caBundle(Path ca, Consumer<String> problem) {
            }

            @Override
            public void keyset(Path file, String tenant, Optional<String> kekSpec, Consumer<String> problem) {
            }
        };
    }
}
