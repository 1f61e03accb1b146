package io.edgespot.crypto;

import com.google.crypto.tink.Aead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The operations behind {@code edgespot keys}: create, rotate, promote, list and destroy keys in a
 * tenant's encrypted keyset file.
 *
 * <p>Rotation is two steps so that every proxy can learn a key before anything depends on it:
 * {@link #rotate} adds a key to each of the tenant's three keysets without using it; once all
 * instances have reloaded, {@link #promote} makes it the primary, so new entries, streams and tags
 * use it while older enabled keys keep opening what they sealed. {@link #destroy} deletes a key's
 * material; entries sealed under it then fail to open, which is crypto-shredding.
 *
 * <p>Each change reads the file, applies the change to all three keysets and atomically replaces
 * the file. Concurrent invocations on the same file are not coordinated; run one at a time.
 */
public final class KeysetTool {
    private KeysetTool() {
    }

    /**
     * Creates a keyset file with fresh keys for a tenant.
     *
     * @param file the keyset file to create
     * @param tenant the tenant name
     * @param kek the key-encryption key
     * @return the id of the new primary key
     * @throws KeyException if the file already exists or cannot be written
     */
    public static int create(Path file, String tenant, Aead kek) {
        if (Files.exists(file)) {
            throw new KeyException("keyset file " + file + ": already exists; refusing to overwrite");
        }
        TenantKeys keys = TenantKeys.generate(tenant);
        keys.write(file, kek, false);
        return keys.primaryKeyId();
    }

    /**
     * Adds a new, enabled, non-primary key to each of the tenant's three keysets.
     *
     * @param file the keyset file
     * @param tenant the tenant name
     * @param kek the key-encryption key
     * @return the id of the new key, to pass to {@link #promote} later
     * @throws KeyException if the file cannot be loaded or written
     */
    public static int rotate(Path file, String tenant, Aead kek) {
        TenantKeys keys = TenantKeys.load(file, tenant, kek);
        int id = keys.unusedKeyId();
        keys.withNewKey(id).writeEncrypted(file, kek);
        return id;
    }

    /**
     * Makes an existing enabled key the primary in all three keysets.
     *
     * @param file the keyset file
     * @param tenant the tenant name
     * @param kek the key-encryption key
     * @param keyId the key to promote
     * @throws KeyException if the key does not exist, is not enabled, or the file cannot be written
     */
    public static void promote(Path file, String tenant, Aead kek, int keyId) {
        TenantKeys.load(file, tenant, kek).withPrimary(keyId).writeEncrypted(file, kek);
    }

    /**
     * Lists the keys in a keyset file without any key material.
     *
     * @param file the keyset file
     * @param tenant the tenant name
     * @param kek the key-encryption key
     * @return one entry per key and role, destroyed keys included
     * @throws KeyException if the file cannot be loaded
     */
    public static List<KeyInfo> list(Path file, String tenant, Aead kek) {
        return TenantKeys.load(file, tenant, kek).keys();
    }

    /**
     * Deletes a non-primary key's material from all three keysets.
     *
     * @param file the keyset file
     * @param tenant the tenant name
     * @param kek the key-encryption key
     * @param keyId the key to destroy
     * @throws KeyException if the key is the primary, does not exist, or the file cannot be written
     */
    public static void destroy(Path file, String tenant, Aead kek, int keyId) {
        TenantKeys.load(file, tenant, kek).withoutKey(keyId).writeEncrypted(file, kek);
    }
}
