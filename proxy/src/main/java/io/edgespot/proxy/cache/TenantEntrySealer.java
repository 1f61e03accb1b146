package io.edgespot.proxy.cache;

import io.edgespot.cache.EntrySealer;
import io.edgespot.crypto.KeyInfo;
import io.edgespot.crypto.TenantKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Seals a tenant's cache entries under that tenant's Tink keys.
 *
 * <p>{@link #seal}/{@link #open} use the tenant's AES256-GCM keyset and {@link #tag} its HMAC-SHA256 PRF keyset;
 * {@link TenantKeys} binds the tenant name into every associated data and PRF input, so an entry or a tag cannot
 * be moved to another tenant even if two tenants shared keys. The cache segments large bodies itself and seals
 * each segment with {@link #seal}; the tenant's streaming AEAD keyset is not used here.
 *
 * <p>Immutable and thread-safe; no method blocks. The {@link #keysetId()} is computed once.
 */
public final class TenantEntrySealer implements EntrySealer {
    private static final String ID_DOMAIN = "edgespot-keyset-id-v1";
    private static final int ID_BYTES = 8;

    private final TenantKeys keys;
    private final String keysetId;

    private TenantEntrySealer(TenantKeys keys) {
        this.keys = keys;
        this.keysetId = keysetIdOf(keys);
    }

    /**
     * Returns a sealer over a tenant's keys.
     *
     * @param keys the tenant's loaded keys
     * @return the sealer
     */
    public static TenantEntrySealer of(TenantKeys keys) {
        return new TenantEntrySealer(Objects.requireNonNull(keys, "keys"));
    }

    /** Returns the tenant whose keys these are. */
    public String tenant() {
        return keys.tenant();
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return keys.seal(plaintext, associatedData);
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return keys.open(ciphertext, associatedData);
    }

    /** {@inheritDoc} Into a direct buffer BoringSSL decrypts in place, with no plaintext array on the heap. */
    @Override
    public int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) throws GeneralSecurityException {
        return keys.open(ciphertext, associatedData, dst);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the PRF fails; the message names the tenant only, and the cause is not
     *     attached so that no library message about the input or the key can reach a log
     */
    @Override
    public byte[] tag(byte[] input) {
        try {
            return keys.tag(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("tenant '" + keys.tenant() + "': cache tag PRF failed ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: 16 hex digits of SHA-256 over the tenant name and every key's role, id, status and primary flag,
     * sorted. Promoting a key changes it (tags change with the primary PRF key), and so do adding, disabling and
     * destroying keys; reloading an unchanged keyset file keeps it. No key material enters the hash.
     */
    @Override
    public String keysetId() {
        return keysetId;
    }

    @Override
    public String toString() {
        return "TenantEntrySealer[tenant=" + keys.tenant() + ", keysetId=" + keysetId + "]";
    }

    private static String keysetIdOf(TenantKeys keys) {
        List<KeyInfo> sorted = new ArrayList<>(keys.keys());
        sorted.sort(Comparator.comparing(KeyInfo::role).thenComparingInt(KeyInfo::id)
                .thenComparing(KeyInfo::status).thenComparing(KeyInfo::primary));
        StringBuilder text = new StringBuilder(ID_DOMAIN).append('\n').append(keys.tenant().length()).append(':')
                .append(keys.tenant());
        for (KeyInfo key : sorted) {
            text.append('\n').append(key.role().fileKey()).append(' ').append(Integer.toUnsignedString(key.id()))
                    .append(' ').append(key.status()).append(key.primary() ? " primary" : "");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
