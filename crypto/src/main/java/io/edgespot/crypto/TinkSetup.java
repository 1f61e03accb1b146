package io.edgespot.crypto;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink key managers this package uses, once per class loader. */
final class TinkSetup {
    private TinkSetup() {
    }

    /**
     * Makes sure AEAD, streaming AEAD and PRF are registered with Tink's global registry.
     *
     * <p>{@code RegistryConfiguration.get()} resolves primitives through that registry, so this
     * must run before any keyset is generated or parsed. The work happens in the holder's class
     * initializer, which the JVM runs exactly once and thread-safely.
     */
    static void ensureRegistered() {
        Holder.touch();
    }

    private static final class Holder {
        static {
            try {
                AeadConfig.register();
                StreamingAeadConfig.register();
                PrfConfig.register();
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Holder() {
        }

        static void touch() {
            // Referencing the class is enough to run its initializer.
        }
    }
}
