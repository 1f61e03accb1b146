package io.edgespot.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import io.edgespot.crypto.tls.Conscrypts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The loaded key material of one tenant: an AEAD keyset for small cache entries, a streaming AEAD
 * keyset for large bodies and a PRF keyset for purge tags.
 *
 * <p><b>Associated data.</b> Callers pass the cache key bytes as associated data. Every seal and
 * open additionally binds the tenant name: the AD given to Tink is a 4-byte big-endian length, the
 * UTF-8 tenant name, then the caller's bytes. The length prefix keeps the encoding unambiguous, so
 * an entry copied to another cache key or another tenant fails to open. PRF tags are computed over
 * the same framing.
 *
 * <p><b>Algorithms.</b> AEAD is AES256-GCM with Tink's key-id prefix, so a ciphertext names the key
 * that opens it. Streaming AEAD is AES256-GCM-HKDF with 4 KiB segments rather than 1 MiB: a
 * decrypting reader must buffer and authenticate a whole segment before releasing any of it, so
 * small segments let the first bytes of a body go out after 4 KiB instead of 1 MiB, bound the
 * per-response buffer when many responses stream at once, and make range reads cheap; the cost is
 * a 16-byte tag per segment, about 0.4 %. Tags are HMAC-SHA256 PRF output, 32 bytes.
 *
 * <p><b>Keys.</b> Each key id names one key in each of the three keysets, created together by
 * {@link KeysetTool}. New ciphertexts and tags use the primary key; other enabled keys still open
 * what they sealed until they are destroyed.
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} never shows key material.
 */
public final class TenantKeys {
    private static final Parameters AEAD_PARAMETERS = PredefinedAeadParameters.AES256_GCM;
    private static final Parameters STREAMING_PARAMETERS = PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB;
    private static final Parameters PRF_PARAMETERS = PredefinedPrfParameters.HMAC_SHA256_PRF;
    private static final int TAG_LENGTH = 32;
    private static final int MAX_TENANT_LENGTH = 253;

    private final String tenant;
    private final byte[] tenantPrefix;
    private final Map<KeyInfo.Role, KeysetHandle> handles;
    private final SortedSet<Integer> destroyedKeyIds;
    private final Aead aead;
    private final StreamingAead streamingAead;
    private final PrfSet prfSet;
    private final DirectGcmOpener directOpener;

    private TenantKeys(String tenant, Map<KeyInfo.Role, KeysetHandle> handles, SortedSet<Integer> destroyedKeyIds)
            throws GeneralSecurityException {
        this.tenant = tenant;
        this.tenantPrefix = Framing.lengthPrefixed(tenant);
        this.handles = Collections.unmodifiableMap(new EnumMap<>(handles));
        this.destroyedKeyIds = Collections.unmodifiableSortedSet(new TreeSet<>(destroyedKeyIds));
        this.aead = handle(KeyInfo.Role.AEAD).getPrimitive(RegistryConfiguration.get(), Aead.class);
        this.streamingAead = handle(KeyInfo.Role.STREAMING_AEAD)
                .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        this.prfSet = handle(KeyInfo.Role.PRF).getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        this.directOpener = DirectGcmOpener.of(handle(KeyInfo.Role.AEAD),
                Conscrypts.isAvailable() ? Conscrypts.provider() : null);
    }

    /**
     * Generates fresh keys for a tenant: one key in each of the three keysets, sharing one id.
     *
     * @param tenant the tenant name, bound into all associated data
     * @return new, not yet persisted, keys
     */
    public static TenantKeys generate(String tenant) {
        checkTenant(tenant);
        TinkSetup.ensureRegistered();
        int id = randomKeyId(Collections.emptySet());
        Map<KeyInfo.Role, KeysetHandle> handles = new EnumMap<>(KeyInfo.Role.class);
        try {
            for (KeyInfo.Role role : KeyInfo.Role.values()) {
                KeysetHandle.Builder.Entry entry =
                        KeysetHandle.generateEntryFromParameters(parameters(role)).withFixedId(id).makePrimary();
                handles.put(role, KeysetHandle.newBuilder().addEntry(entry).build());
            }
            return new TenantKeys(tenant, handles, new TreeSet<>());
        } catch (GeneralSecurityException e) {
            throw new KeyException("tenant '" + tenant + "': cannot generate keys", e);
        }
    }

    /**
     * Loads and decrypts a tenant's keyset file.
     *
     * @param file the encrypted keyset file
     * @param tenant the tenant the file must belong to
     * @param kek the key-encryption key
     * @return the tenant's keys
     * @throws KeyException if the file is missing or malformed, belongs to another tenant, or does
     *     not decrypt under {@code kek}
     */
    public static TenantKeys load(Path file, String tenant, Aead kek) {
        checkTenant(tenant);
        Objects.requireNonNull(kek, "kek");
        TinkSetup.ensureRegistered();
        String where = "keyset file " + file;
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyException(where + ": file does not exist");
        } catch (IOException e) {
            throw new KeyException(where + ": cannot read file (" + e.getClass().getSimpleName() + ")", e);
        }
        KeysetFileFormat.Contents contents = KeysetFileFormat.parse(json, file);
        if (!contents.tenant().equals(tenant)) {
            throw new KeyException(where + ": belongs to tenant '" + contents.tenant() + "', not '" + tenant + "'");
        }
        Map<KeyInfo.Role, KeysetHandle> handles = new EnumMap<>(KeyInfo.Role.class);
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            try {
                handles.put(role, TinkJsonProtoKeysetFormat.parseEncryptedKeyset(contents.encryptedKeysets().get(role),
                        kek, KeysetFileFormat.keysetAssociatedData(tenant, role)));
            } catch (GeneralSecurityException e) {
                // Tink gives the same error for a wrong KEK and for a wrong AD, so both are named.
                throw new KeyException(where + ": cannot decrypt the " + role.fileKey() + " keyset of tenant '"
                        + tenant + "': wrong key-encryption key, or the keyset was made for another tenant");
            }
        }
        try {
            return new TenantKeys(tenant, handles, contents.destroyedKeyIds());
        } catch (GeneralSecurityException e) {
            throw new KeyException(where + ": keysets do not hold the expected key types", e);
        }
    }

    /**
     * Encrypts the keysets under {@code kek} and atomically replaces {@code file} (mode 0600).
     *
     * @param file the destination; written through a temp file in the same directory
     * @param kek the key-encryption key
     * @throws KeyException if encryption or writing fails
     */
    public void writeEncrypted(Path file, Aead kek) {
        write(file, kek, true);
    }

    /** Writes the keysets; without {@code replace} an existing file makes it fail. */
    void write(Path file, Aead kek, boolean replace) {
        Objects.requireNonNull(kek, "kek");
        String where = "keyset file " + file;
        Map<KeyInfo.Role, String> encrypted = new EnumMap<>(KeyInfo.Role.class);
        try {
            for (KeyInfo.Role role : KeyInfo.Role.values()) {
                encrypted.put(role, TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle(role), kek,
                        KeysetFileFormat.keysetAssociatedData(tenant, role)));
            }
        } catch (GeneralSecurityException e) {
            throw new KeyException(where + ": cannot encrypt keysets for tenant '" + tenant + "'", e);
        }
        byte[] bytes = KeysetFileFormat.serialize(new KeysetFileFormat.Contents(tenant, encrypted, destroyedKeyIds));
        try {
            SecureFiles.write(file, bytes, replace);
        } catch (FileAlreadyExistsException e) {
            throw new KeyException(where + ": already exists; refusing to overwrite");
        } catch (IOException e) {
            throw new KeyException(where + ": cannot write file (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Returns the tenant these keys belong to.
     *
     * @return the tenant name
     */
    public String tenant() {
        return tenant;
    }

    /**
     * Encrypts a small cache entry with the primary AEAD key.
     *
     * @param plaintext the entry bytes
     * @param associatedData the cache key bytes; {@code null} means empty. The tenant is added.
     * @return ciphertext that starts with the 5-byte Tink prefix naming the key
     * @throws GeneralSecurityException if encryption fails
     */
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return aead.encrypt(plaintext, ad(associatedData));
    }

    /**
     * Decrypts a cache entry sealed by {@link #seal}.
     *
     * @param ciphertext the sealed entry
     * @param associatedData the same cache key bytes given to {@code seal}
     * @return the plaintext
     * @throws GeneralSecurityException if the ciphertext was altered, truncated, sealed for another
     *     cache key or tenant, or under a key that is no longer enabled
     */
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, ad(associatedData));
    }

    /**
     * Decrypts a cache entry sealed by {@link #seal} into a buffer, accepting exactly what {@link #open(byte[],
     * byte[])} accepts.
     *
     * <p>Into a direct buffer, where Conscrypt is available, the ciphertext is copied into {@code dst} and opened
     * there by BoringSSL, with no plaintext array on the heap; otherwise through Tink, then copied.
     *
     * @param ciphertext the sealed entry, from its position to its limit; the position does not move
     * @param associatedData the same cache key bytes given to {@code seal}
     * @param dst receives the plaintext at its position, which advances past it; it needs
     *     {@code ciphertext.remaining()} bytes of room. After a failure it holds no plaintext.
     * @return the plaintext length
     * @throws GeneralSecurityException as {@link #open(byte[], byte[])} does
     * @throws IllegalArgumentException if {@code dst} has less room than the ciphertext's length
     */
    public int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) throws GeneralSecurityException {
        if (dst.remaining() < ciphertext.remaining()) {
            throw new IllegalArgumentException("destination has " + dst.remaining() + " bytes of room, the "
                    + "ciphertext is " + ciphertext.remaining() + " bytes");
        }
        byte[] fullAd = ad(associatedData);
        if (directOpener != null) {
            int opened = directOpener.open(ciphertext, fullAd, dst);
            if (opened != DirectGcmOpener.DECLINED) {
                return opened;
            }
        }
        byte[] sealed = new byte[ciphertext.remaining()];
        ciphertext.get(ciphertext.position(), sealed);
        byte[] plaintext = aead.decrypt(sealed, fullAd);
        dst.put(plaintext);
        return plaintext.length;
    }

    /**
     * Returns a channel that encrypts everything written to it into {@code out}, segment by segment.
     *
     * <p>The body can be encrypted as it arrives from upstream. Closing the returned channel writes
     * the final segment; it also closes {@code out}.
     *
     * @param out receives ciphertext
     * @param associatedData the cache key bytes; the tenant is added
     * @return a channel that must be closed to complete the ciphertext
     * @throws GeneralSecurityException if the primary streaming key cannot be used
     * @throws IOException if writing the header to {@code out} fails
     */
    public WritableByteChannel sealingChannel(WritableByteChannel out, byte[] associatedData)
            throws GeneralSecurityException, IOException {
        return streamingAead.newEncryptingChannel(out, ad(associatedData));
    }

    /**
     * Encrypts a whole body with the streaming AEAD, for bodies already in memory.
     *
     * @param plaintext the body
     * @param associatedData the cache key bytes; the tenant is added
     * @return streaming ciphertext, readable with {@link #openStream} or {@link #openSeekable}
     * @throws GeneralSecurityException if encryption fails
     */
    public byte[] sealStream(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + plaintext.length / 200 + 64);
        try (WritableByteChannel channel = sealingChannel(Channels.newChannel(out), associatedData)) {
            ByteBuffer buffer = ByteBuffer.wrap(plaintext);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            // Only an in-memory sink is involved, so this cannot be an environmental failure.
            throw new UncheckedIOException("streaming encryption into memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Returns a channel that decrypts streaming ciphertext one segment at a time.
     *
     * <p>Bytes of a segment are released as soon as that segment is authenticated, so a response
     * can start before the last segment is decrypted. Tampering, truncation or a wrong associated
     * data surface as an {@link IOException} from {@code read} at the affected segment; a caller
     * that has already sent earlier bytes must then abort the response.
     *
     * @param ciphertext the output of {@link #sealStream} or {@link #sealingChannel}; must not be
     *     modified while the channel is in use
     * @param associatedData the same cache key bytes given when sealing
     * @return a channel of plaintext
     * @throws GeneralSecurityException if no streaming key is usable
     * @throws IOException if the channel cannot be set up
     */
    public ReadableByteChannel openStream(byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException, IOException {
        return streamingAead.newDecryptingChannel(new ByteArraySeekableChannel(ciphertext), ad(associatedData));
    }

    /**
     * Returns a seekable plaintext view of streaming ciphertext, for range requests.
     *
     * <p>Reading at a position decrypts only the segments that cover it. Authentication failures
     * surface as {@link IOException} from {@code read}. Because the keyset may hold several keys,
     * the matching key is found on the first {@code read}, so {@code size()} is only available
     * after one. The channel is not thread-safe.
     *
     * @param ciphertext the streaming ciphertext; must not be modified while the channel is in use
     * @param associatedData the same cache key bytes given when sealing
     * @return a read-only seekable channel of plaintext
     * @throws GeneralSecurityException if no streaming key is usable
     * @throws IOException if the header cannot be read or matches no key
     */
    public SeekableByteChannel openSeekable(byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException, IOException {
        return streamingAead.newSeekableDecryptingChannel(new ByteArraySeekableChannel(ciphertext),
                ad(associatedData));
    }

    /**
     * Decrypts a whole streaming ciphertext into memory.
     *
     * @param ciphertext the streaming ciphertext
     * @param associatedData the same cache key bytes given when sealing
     * @return the plaintext
     * @throws GeneralSecurityException if any segment fails authentication or the stream is cut short
     */
    public byte[] openStreamFully(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ciphertext.length);
        try (ReadableByteChannel channel = openStream(ciphertext, associatedData)) {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (IOException e) {
            // The source is in memory, so an IOException here means authentication failed.
            throw new GeneralSecurityException("streaming ciphertext failed to decrypt", e);
        }
        return out.toByteArray();
    }

    /**
     * Computes the purge tag of {@code input} with the primary PRF key.
     *
     * <p>The result is deterministic for a given key and tenant, differs between tenants, and does
     * not reveal {@code input}, so tags can be stored without the clear text.
     *
     * @param input the clear-text tag, for example a {@code Surrogate-Key} value
     * @return 32 bytes
     * @throws GeneralSecurityException if the PRF fails
     */
    public byte[] tag(byte[] input) throws GeneralSecurityException {
        return prfSet.computePrimary(Framing.concat(tenantPrefix, input), TAG_LENGTH);
    }

    /**
     * Computes the tag of {@code input} under every enabled PRF key, primary first.
     *
     * <p>After a rotation, entries stored before the promotion carry tags of the old key; a purge
     * looks up all of these to find them.
     *
     * @param input the clear-text tag
     * @return one 32-byte tag per enabled PRF key
     * @throws GeneralSecurityException if the PRF fails
     */
    public List<byte[]> tagsForAllKeys(byte[] input) throws GeneralSecurityException {
        byte[] framed = Framing.concat(tenantPrefix, input);
        List<byte[]> tags = new ArrayList<>();
        tags.add(prfSet.computePrimary(framed, TAG_LENGTH));
        for (Map.Entry<Integer, Prf> entry : prfSet.getPrfs().entrySet()) {
            if (entry.getKey() != prfSet.getPrimaryId()) {
                tags.add(entry.getValue().compute(framed, TAG_LENGTH));
            }
        }
        return List.copyOf(tags);
    }

    /**
     * Returns the id of the primary key, which seals, streams and tags everything new.
     *
     * @return the primary key id
     */
    public int primaryKeyId() {
        return handle(KeyInfo.Role.AEAD).getPrimary().getId();
    }

    /**
     * Lists the keys of all three keysets, including destroyed ones, without any material.
     *
     * @return key descriptions ordered by role, then as stored
     */
    public List<KeyInfo> keys() {
        List<KeyInfo> keys = new ArrayList<>();
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            KeysetHandle handle = handle(role);
            for (int i = 0; i < handle.size(); i++) {
                KeysetHandle.Entry entry = handle.getAt(i);
                keys.add(new KeyInfo(entry.getId(), role, status(entry.getStatus()), entry.isPrimary()));
            }
            for (int id : destroyedKeyIds) {
                keys.add(new KeyInfo(id, role, KeyInfo.Status.DESTROYED, false));
            }
        }
        return List.copyOf(keys);
    }

    @Override
    public String toString() {
        return "TenantKeys[tenant=" + tenant + ", primaryKeyId=" + primaryKeyId() + ", keys=" + keys().size() + "]";
    }

    /** Returns a copy with a new enabled, non-primary key of the given id in each keyset. */
    TenantKeys withNewKey(int id) {
        return rebuild("add key " + id, role -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle(role));
            builder.addEntry(KeysetHandle.generateEntryFromParameters(parameters(role)).withFixedId(id));
            return builder;
        }, destroyedKeyIds);
    }

    /** Returns a copy in which key {@code id} is primary in every keyset. */
    TenantKeys withPrimary(int id) {
        requireKey(id);
        return rebuild("promote key " + id, role -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle(role));
            KeysetHandle.Builder.Entry entry = builder.getAt(indexOf(role, id));
            if (entry.getStatus() != KeyStatus.ENABLED) {
                throw new KeyException("tenant '" + tenant + "': key " + id + " is not enabled; cannot promote it");
            }
            entry.makePrimary();
            return builder;
        }, destroyedKeyIds);
    }

    /** Returns a copy from which key {@code id} is removed, material and all, in every keyset. */
    TenantKeys withoutKey(int id) {
        requireKey(id);
        boolean primaryAnywhere = false;
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            primaryAnywhere |= handle(role).getPrimary().getId() == id;
        }
        if (primaryAnywhere) {
            throw new KeyException("tenant '" + tenant + "': key " + id
                    + " is the primary; promote another key before destroying it");
        }
        SortedSet<Integer> destroyed = new TreeSet<>(destroyedKeyIds);
        destroyed.add(id);
        return rebuild("destroy key " + id, role -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle(role));
            // Deleting the entry, not marking it DESTROYED, is what removes the material from the file.
            builder.deleteAt(indexOf(role, id));
            return builder;
        }, destroyed);
    }

    /**
     * Returns the same keys under another tenant name.
     *
     * <p>Only for tests that show the tenant is bound into associated data independently of the
     * keys; real tenants never share keys.
     */
    TenantKeys renamed(String otherTenant) {
        checkTenant(otherTenant);
        try {
            return new TenantKeys(otherTenant, handles, destroyedKeyIds);
        } catch (GeneralSecurityException e) {
            throw new KeyException("tenant '" + otherTenant + "': cannot build primitives", e);
        }
    }

    /** Picks a positive key id used by no keyset of this tenant, including destroyed ids. */
    int unusedKeyId() {
        Set<Integer> used = new HashSet<>(destroyedKeyIds);
        for (KeyInfo key : keys()) {
            used.add(key.id());
        }
        return randomKeyId(used);
    }

    private interface BuilderStep {
        KeysetHandle.Builder apply(KeyInfo.Role role) throws GeneralSecurityException;
    }

    private TenantKeys rebuild(String action, BuilderStep step, SortedSet<Integer> destroyed) {
        Map<KeyInfo.Role, KeysetHandle> updated = new EnumMap<>(KeyInfo.Role.class);
        try {
            for (KeyInfo.Role role : KeyInfo.Role.values()) {
                updated.put(role, step.apply(role).build());
            }
            return new TenantKeys(tenant, updated, destroyed);
        } catch (GeneralSecurityException e) {
            throw new KeyException("tenant '" + tenant + "': cannot " + action, e);
        }
    }

    private void requireKey(int id) {
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            if (indexOf(role, id) < 0) {
                String state = destroyedKeyIds.contains(id) ? "was destroyed" : "does not exist";
                throw new KeyException("tenant '" + tenant + "': key " + id + " " + state + " in the "
                        + role.fileKey() + " keyset");
            }
        }
    }

    private int indexOf(KeyInfo.Role role, int id) {
        KeysetHandle handle = handle(role);
        for (int i = 0; i < handle.size(); i++) {
            if (handle.getAt(i).getId() == id) {
                return i;
            }
        }
        return -1;
    }

    /** Returns the keyset of one role; package-private so tests can inspect the real key material. */
    KeysetHandle handle(KeyInfo.Role role) {
        return handles.get(role);
    }

    private byte[] ad(byte[] associatedData) {
        return Framing.concat(tenantPrefix, associatedData);
    }

    private static Parameters parameters(KeyInfo.Role role) {
        return switch (role) {
            case AEAD -> AEAD_PARAMETERS;
            case STREAMING_AEAD -> STREAMING_PARAMETERS;
            case PRF -> PRF_PARAMETERS;
        };
    }

    private static KeyInfo.Status status(KeyStatus status) {
        if (KeyStatus.ENABLED.equals(status)) {
            return KeyInfo.Status.ENABLED;
        }
        if (KeyStatus.DESTROYED.equals(status)) {
            return KeyInfo.Status.DESTROYED;
        }
        return KeyInfo.Status.DISABLED;
    }

    private static int randomKeyId(Set<Integer> used) {
        SecureRandom random = new SecureRandom();
        int id;
        do {
            // Positive ids print the same everywhere, unlike Tink's unsigned 32-bit ids.
            id = random.nextInt(Integer.MAX_VALUE - 1) + 1;
        } while (used.contains(id));
        return id;
    }

    private static void checkTenant(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant name must not be blank");
        }
        if (tenant.getBytes(StandardCharsets.UTF_8).length > MAX_TENANT_LENGTH) {
            throw new IllegalArgumentException("tenant name longer than " + MAX_TENANT_LENGTH + " bytes");
        }
    }
}
