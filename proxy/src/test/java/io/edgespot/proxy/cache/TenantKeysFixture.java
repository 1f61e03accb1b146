package io.edgespot.proxy.cache;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.KeysetTool;
import io.edgespot.crypto.TenantKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** Tenant keyset files under a development KEK in a test directory, and the raw key bytes inside them. */
final class TenantKeysFixture {
    private final Path dir;
    final Aead kek;

    TenantKeysFixture(Path dir) {
        this.dir = dir;
        this.kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json")).aead();
    }

    /** Returns the keyset file of a tenant. */
    Path file(String tenant) {
        return dir.resolve(tenant + ".keyset.json.enc");
    }

    /** Creates a tenant's keyset file with the {@code edgespot keys} operations and loads it. */
    TenantKeys create(String tenant) {
        KeysetTool.create(file(tenant), tenant, kek);
        return load(tenant);
    }

    /** Loads a tenant's keyset file as the proxy does at startup or reload. */
    TenantKeys load(String tenant) {
        return TenantKeys.load(file(tenant), tenant, kek);
    }

    /**
     * Returns the raw secret bytes of every key in a tenant's file, decrypted with the KEK the way the crypto
     * module's file format documents (associated data: length-prefixed format, tenant and role).
     */
    @SuppressWarnings("deprecation") // the same Tink call that reads these files in the crypto module
    List<byte[]> secrets(String tenant) throws IOException, GeneralSecurityException {
        JsonObject keysets = JsonParser.parseString(Files.readString(file(tenant))).getAsJsonObject()
                .getAsJsonObject("keysets");
        List<byte[]> secrets = new ArrayList<>();
        for (String role : List.of("aead", "streamingAead", "prf")) {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(keysets.get(role).toString(), kek,
                    lengthPrefixed("edgespot-tenant-keyset/v1", tenant, role));
            for (int i = 0; i < handle.size(); i++) {
                secrets.add(secretOf(handle.getAt(i).getKey()));
            }
        }
        return secrets;
    }

    private static byte[] lengthPrefixed(String... parts) {
        int total = 0;
        for (String part : parts) {
            total += 4 + part.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.putInt(bytes.length).put(bytes);
        }
        return out.array();
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
