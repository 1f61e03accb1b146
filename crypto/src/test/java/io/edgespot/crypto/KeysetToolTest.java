package io.edgespot.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.crypto.tink.Aead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class KeysetToolTest {
    private static final byte[] CACHE_KEY = "acme|GET|https://shop.acme.test/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "cached body".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAG = "product-42".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path file;
    private Aead kek;

    @BeforeEach
    void setUp() {
        file = dir.resolve("acme.keyset.json.enc");
        kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json")).aead();
    }

    @Test
    void create_writesLoadableFileAndRefusesToOverwrite() throws Exception {
        int primary = KeysetTool.create(file, "acme", kek);
        String before = Files.readString(file);

        assertThat(TenantKeys.load(file, "acme", kek).primaryKeyId()).isEqualTo(primary);
        assertThatThrownBy(() -> KeysetTool.create(file, "acme", kek))
                .isInstanceOf(KeyException.class)
                .hasMessage("keyset file " + file + ": already exists; refusing to overwrite");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void rotateThenPromote_keepsOldCiphertextsAndSealsWithTheNewKey() throws Exception {
        int oldId = KeysetTool.create(file, "acme", kek);
        TenantKeys before = TenantKeys.load(file, "acme", kek);
        byte[] oldEntry = before.seal(BODY, CACHE_KEY);
        byte[] oldStream = before.sealStream(BODY, CACHE_KEY);

        int newId = KeysetTool.rotate(file, "acme", kek);
        TenantKeys rotated = TenantKeys.load(file, "acme", kek);

        assertThat(newId).isNotEqualTo(oldId).isPositive();
        assertThat(rotated.primaryKeyId()).isEqualTo(oldId);
        assertThat(keyIdOf(rotated.seal(BODY, CACHE_KEY))).isEqualTo(oldId);
        assertThat(rotated.keys())
                .extracting(KeyInfo::id, KeyInfo::role, KeyInfo::status, KeyInfo::primary)
                .containsExactlyInAnyOrder(
                        tuple(oldId, KeyInfo.Role.AEAD, KeyInfo.Status.ENABLED, true),
                        tuple(newId, KeyInfo.Role.AEAD, KeyInfo.Status.ENABLED, false),
                        tuple(oldId, KeyInfo.Role.STREAMING_AEAD, KeyInfo.Status.ENABLED, true),
                        tuple(newId, KeyInfo.Role.STREAMING_AEAD, KeyInfo.Status.ENABLED, false),
                        tuple(oldId, KeyInfo.Role.PRF, KeyInfo.Status.ENABLED, true),
                        tuple(newId, KeyInfo.Role.PRF, KeyInfo.Status.ENABLED, false));

        KeysetTool.promote(file, "acme", kek, newId);
        TenantKeys promoted = TenantKeys.load(file, "acme", kek);

        assertThat(promoted.primaryKeyId()).isEqualTo(newId);
        byte[] newEntry = promoted.seal(BODY, CACHE_KEY);
        assertThat(keyIdOf(newEntry)).isEqualTo(newId);
        assertThat(promoted.open(oldEntry, CACHE_KEY)).isEqualTo(BODY);
        assertThat(promoted.openStreamFully(oldStream, CACHE_KEY)).isEqualTo(BODY);
        byte[] newStream = promoted.sealStream(BODY, CACHE_KEY);
        assertThatThrownBy(() -> before.openStreamFully(newStream, CACHE_KEY))
                .as("the keyset from before the rotation does not know the new primary")
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void promote_changesTheTagButOldTagsStayFindable() throws Exception {
        KeysetTool.create(file, "acme", kek);
        byte[] oldTag = TenantKeys.load(file, "acme", kek).tag(TAG);
        int newId = KeysetTool.rotate(file, "acme", kek);
        KeysetTool.promote(file, "acme", kek, newId);

        TenantKeys promoted = TenantKeys.load(file, "acme", kek);

        assertThat(promoted.tag(TAG)).isNotEqualTo(oldTag);
        assertThat(promoted.tagsForAllKeys(TAG)).hasSize(2).contains(oldTag, promoted.tag(TAG));
        assertThat(promoted.tagsForAllKeys(TAG).get(0)).isEqualTo(promoted.tag(TAG));
    }

    @Test
    void destroy_makesEntriesSealedUnderTheKeyUnreadable() throws Exception {
        int oldId = KeysetTool.create(file, "acme", kek);
        TenantKeys before = TenantKeys.load(file, "acme", kek);
        byte[] oldEntry = before.seal(BODY, CACHE_KEY);
        byte[] oldStream = before.sealStream(BODY, CACHE_KEY);
        byte[] oldTag = before.tag(TAG);
        int newId = KeysetTool.rotate(file, "acme", kek);
        KeysetTool.promote(file, "acme", kek, newId);
        byte[] newEntry = TenantKeys.load(file, "acme", kek).seal(BODY, CACHE_KEY);

        KeysetTool.destroy(file, "acme", kek, oldId);
        TenantKeys after = TenantKeys.load(file, "acme", kek);

        assertThatThrownBy(() -> after.open(oldEntry, CACHE_KEY)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> after.openStreamFully(oldStream, CACHE_KEY))
                .isInstanceOf(GeneralSecurityException.class);
        assertThat(after.open(newEntry, CACHE_KEY)).isEqualTo(BODY);
        assertThat(after.tagsForAllKeys(TAG)).noneMatch(tag -> Arrays.equals(tag, oldTag));
        assertThat(KeysetTool.list(file, "acme", kek))
                .filteredOn(key -> key.id() == oldId)
                .hasSize(3)
                .allMatch(key -> key.status() == KeyInfo.Status.DESTROYED && !key.primary());
    }

    @Test
    void destroy_refusesThePrimaryAndUnknownKeys() {
        int primary = KeysetTool.create(file, "acme", kek);

        assertThatThrownBy(() -> KeysetTool.destroy(file, "acme", kek, primary))
                .isInstanceOf(KeyException.class)
                .hasMessage("tenant 'acme': key " + primary
                        + " is the primary; promote another key before destroying it");
        assertThatThrownBy(() -> KeysetTool.destroy(file, "acme", kek, 12345))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("key 12345 does not exist");
    }

    @Test
    void promote_refusesDestroyedAndUnknownKeys() {
        int oldId = KeysetTool.create(file, "acme", kek);
        int newId = KeysetTool.rotate(file, "acme", kek);
        KeysetTool.promote(file, "acme", kek, newId);
        KeysetTool.destroy(file, "acme", kek, oldId);

        assertThatThrownBy(() -> KeysetTool.promote(file, "acme", kek, oldId))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("key " + oldId + " was destroyed");
        assertThatThrownBy(() -> KeysetTool.promote(file, "acme", kek, 7))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("key 7 does not exist");
    }

    @Test
    void list_neverContainsKeyMaterial() {
        KeysetTool.create(file, "acme", kek);
        KeysetTool.rotate(file, "acme", kek);
        TenantKeys keys = TenantKeys.load(file, "acme", kek);

        List<KeyInfo> listing = KeysetTool.list(file, "acme", kek);

        assertThat(listing).hasSize(6);
        KeyMaterial.assertNoMaterial(listing.toString(), keys);
        KeyMaterial.assertNoMaterial(keys.toString(), keys);
    }

    @Test
    void operations_requireTheRightTenant() {
        KeysetTool.create(file, "acme", kek);

        assertThatThrownBy(() -> KeysetTool.rotate(file, "globex", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("belongs to tenant 'acme', not 'globex'");
    }

    /** Reads the key id from the 5-byte Tink output prefix (version byte, then big-endian id). */
    private static int keyIdOf(byte[] ciphertext) {
        assertThat(ciphertext[0]).isEqualTo((byte) 1);
        return ByteBuffer.wrap(ciphertext, 1, 4).getInt();
    }
}
