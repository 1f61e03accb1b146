package io.edgespot.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Test helpers that pull real key material out of a {@link TenantKeys} to prove it never leaks. */
final class KeyMaterial {
    /** Base64 (standard or URL-safe) runs long enough to hold 24 or more bytes of material. */
    private static final Pattern LONG_BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{32,}");

    private KeyMaterial() {
    }

    /** Returns the raw secret bytes of every key in every role. */
    static List<byte[]> secrets(TenantKeys keys) {
        List<byte[]> secrets = new ArrayList<>();
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            KeysetHandle handle = keys.handle(role);
            for (int i = 0; i < handle.size(); i++) {
                secrets.add(secretOf(handle.getAt(i).getKey()));
            }
        }
        return secrets;
    }

    /** Asserts that {@code text} holds no key of {@code keys} in base64 or hex, and no long base64 run. */
    static void assertNoMaterial(String text, TenantKeys keys) {
        assertThat(text).doesNotContainPattern(LONG_BASE64_RUN);
        assertNoRawKeys(text, keys);
    }

    /**
     * Asserts that {@code text} holds no key of {@code keys} in base64 or hex. For encrypted files,
     * which legitimately hold long base64 ciphertext.
     */
    static void assertNoRawKeys(String text, TenantKeys keys) {
        for (byte[] secret : secrets(keys)) {
            assertThat(text)
                    .doesNotContain(Base64.getEncoder().encodeToString(secret))
                    .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret).substring(0, 20))
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(secret).substring(0, 20));
        }
    }

    private static byte[] secretOf(Key key) {
        if (key instanceof AesGcmKey aesGcm) {
            return aesGcm.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
        }
        if (key instanceof AesGcmHkdfStreamingKey streaming) {
            return streaming.getInitialKeyMaterial().toByteArray(InsecureSecretKeyAccess.get());
        }
        if (key instanceof HmacPrfKey hmac) {
            return hmac.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
        }
        throw new AssertionError("unexpected key type " + key.getClass().getSimpleName());
    }
}
