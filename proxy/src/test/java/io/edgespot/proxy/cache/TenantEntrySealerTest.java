package io.edgespot.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.KeysetTool;
import io.edgespot.crypto.TenantKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TenantEntrySealerTest {
    private static final byte[] KEY = "edgespot-key-v1|acme|https|shop.acme.test|/a".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_KEY = "edgespot-key-v1|acme|https|shop.acme.test|/b"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "a cached response body".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TenantKeysFixture keys;
    private TenantEntrySealer acme;

    @BeforeEach
    void setUp() {
        keys = new TenantKeysFixture(dir);
        acme = TenantEntrySealer.of(keys.create("acme"));
    }

    @Test
    void sealOpen_roundTrips() throws Exception {
        byte[] sealed = acme.seal(BODY, KEY);

        assertThat(sealed).isNotEqualTo(BODY).hasSizeGreaterThan(BODY.length);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("cached response");
        assertThat(acme.open(sealed, KEY)).isEqualTo(BODY);
        assertThat(TenantEntrySealer.of(keys.load("acme")).open(sealed, KEY)).as("after a reload").isEqualTo(BODY);
    }

    @Test
    void anotherTenantsKeysetCannotOpen() throws Exception {
        TenantEntrySealer globex = TenantEntrySealer.of(keys.create("globex"));
        byte[] sealed = acme.seal(BODY, KEY);

        assertThatThrownBy(() -> globex.open(sealed, KEY)).isInstanceOf(GeneralSecurityException.class);
        assertThat(globex.tag(KEY)).isNotEqualTo(acme.tag(KEY));
    }

    @Test
    void wrongAssociatedDataFails() throws Exception {
        byte[] sealed = acme.seal(BODY, KEY);

        assertThatThrownBy(() -> acme.open(sealed, OTHER_KEY)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> acme.open(sealed, new byte[0])).isInstanceOf(GeneralSecurityException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> acme.open(sealed, KEY)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void tag_isDeterministicPerKeysetAndLongEnough() {
        byte[] tag = acme.tag(KEY);

        assertThat(tag).hasSizeGreaterThanOrEqualTo(16).isEqualTo(acme.tag(KEY));
        assertThat(TenantEntrySealer.of(keys.load("acme")).tag(KEY)).isEqualTo(tag);
        assertThat(acme.tag(OTHER_KEY)).isNotEqualTo(tag);
    }

    @Test
    void keysetId_isStableAcrossReloadsAndChangesOnRotateAndPromote() {
        String created = acme.keysetId();

        assertThat(created).matches("[0-9a-f]{16}");
        assertThat(TenantEntrySealer.of(keys.load("acme")).keysetId()).isEqualTo(created);
        assertThat(acme.keysetId()).isEqualTo(created);

        int newKey = KeysetTool.rotate(keys.file("acme"), "acme", keys.kek);
        String rotated = TenantEntrySealer.of(keys.load("acme")).keysetId();
        KeysetTool.promote(keys.file("acme"), "acme", keys.kek, newKey);
        TenantEntrySealer promoted = TenantEntrySealer.of(keys.load("acme"));

        assertThat(rotated).isNotEqualTo(created);
        assertThat(promoted.keysetId()).isNotEqualTo(created).isNotEqualTo(rotated);
        assertThat(TenantEntrySealer.of(keys.load("acme")).keysetId()).isEqualTo(promoted.keysetId());
        assertThat(promoted.tag(KEY)).as("tags follow the primary PRF key").isNotEqualTo(acme.tag(KEY));
    }

    @Test
    void keysetId_differsBetweenTenantsAndChangesWhenAKeyIsDestroyed() {
        TenantKeys before = keys.load("acme");
        int newKey = KeysetTool.rotate(keys.file("acme"), "acme", keys.kek);
        KeysetTool.promote(keys.file("acme"), "acme", keys.kek, newKey);
        String promoted = TenantEntrySealer.of(keys.load("acme")).keysetId();
        KeysetTool.destroy(keys.file("acme"), "acme", keys.kek, before.primaryKeyId());

        assertThat(TenantEntrySealer.of(keys.load("acme")).keysetId()).isNotEqualTo(promoted);
        assertThat(TenantEntrySealer.of(keys.create("globex")).keysetId()).isNotEqualTo(acme.keysetId());
    }

    @Test
    void keysetIdAndToString_revealNoKeyMaterial() throws Exception {
        int newKey = KeysetTool.rotate(keys.file("acme"), "acme", keys.kek);
        TenantEntrySealer rotated = TenantEntrySealer.of(keys.load("acme"));
        String id = rotated.keysetId();
        String text = rotated.toString();

        assertThat(text).contains("acme").contains(id);
        for (byte[] secret : keys.secrets("acme")) {
            String hex = HexFormat.of().formatHex(secret);
            assertThat(hex).doesNotContain(id);
            for (int i = 0; i + 4 <= secret.length; i++) {
                // No 4-byte window of any key, in hex or base64, appears in what the sealer shows.
                String window = HexFormat.of().formatHex(secret, i, i + 4);
                assertThat(text).doesNotContain(window);
            }
            assertThat(text).doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret)
                    .substring(0, 8));
        }
        assertThat(keys.secrets("acme")).hasSize(6);
        assertThat(newKey).isPositive();
    }
}
