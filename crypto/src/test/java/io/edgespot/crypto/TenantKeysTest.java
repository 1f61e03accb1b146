package io.edgespot.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.crypto.tink.Aead;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class TenantKeysTest {
    private static final byte[] KEY_A = bytes("acme|GET|https://shop.acme.test/a");
    private static final byte[] KEY_B = bytes("acme|GET|https://shop.acme.test/b");
    private static final int FIVE_MIB = 5 * 1024 * 1024;

    private static TenantKeys acme;
    private static Aead kek;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp(@TempDir Path kekDir) {
        acme = TenantKeys.generate("acme");
        kek = KeyEncryptionKey.generateDevKek(kekDir.resolve("kek.json")).aead();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 4096, 65_537, 1_048_576})
    void sealOpen_roundTripsAtSeveralSizes(int size) throws GeneralSecurityException {
        byte[] plaintext = random(size, size);

        byte[] ciphertext = acme.seal(plaintext, KEY_A);

        assertThat(ciphertext).hasSize(size + 5 + 12 + 16);
        assertThat(acme.open(ciphertext, KEY_A)).isEqualTo(plaintext);
    }

    @Test
    void seal_isRandomized() throws GeneralSecurityException {
        assertThat(acme.seal(bytes("same"), KEY_A)).isNotEqualTo(acme.seal(bytes("same"), KEY_A));
    }

    @Test
    void open_withWrongCacheKey_fails() throws GeneralSecurityException {
        byte[] ciphertext = acme.seal(bytes("body"), KEY_A);

        assertThatThrownBy(() -> acme.open(ciphertext, KEY_B)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> acme.open(ciphertext, null)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void open_withSameKeysUnderAnotherTenantName_fails() throws GeneralSecurityException {
        byte[] ciphertext = acme.seal(bytes("body"), KEY_A);
        TenantKeys sameKeysOtherTenant = acme.renamed("globex");

        assertThatThrownBy(() -> sameKeysOtherTenant.open(ciphertext, KEY_A))
                .isInstanceOf(GeneralSecurityException.class);
        assertThat(acme.renamed("acme").open(ciphertext, KEY_A)).isEqualTo(bytes("body"));
    }

    @Test
    void open_withTenantAndKeyBoundaryShifted_fails() throws GeneralSecurityException {
        // Without the length prefix, tenant "ab" + key "c" and tenant "a" + key "bc" would share AD.
        TenantKeys ab = acme.renamed("ab");
        byte[] ciphertext = ab.seal(bytes("body"), bytes("c"));

        assertThatThrownBy(() -> ab.renamed("a").open(ciphertext, bytes("bc")))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void open_withAnotherTenantsKeys_fails() throws GeneralSecurityException {
        byte[] ciphertext = acme.seal(bytes("body"), KEY_A);

        assertThatThrownBy(() -> TenantKeys.generate("acme").open(ciphertext, KEY_A))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void open_swappedEntries_fail() throws GeneralSecurityException {
        byte[] entryA = acme.seal(bytes("body of a"), KEY_A);
        byte[] entryB = acme.seal(bytes("body of b"), KEY_B);

        assertThatThrownBy(() -> acme.open(entryA, KEY_B)).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> acme.open(entryB, KEY_A)).isInstanceOf(GeneralSecurityException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 5, 17, 28, 29})
    void open_truncatedCiphertext_fails(int removed) throws GeneralSecurityException {
        byte[] ciphertext = acme.seal(bytes("a body that is long enough"), KEY_A);
        byte[] truncated = Arrays.copyOf(ciphertext, ciphertext.length - 1 - removed);

        assertThatThrownBy(() -> acme.open(truncated, KEY_A)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void open_anyFlippedBit_fails() throws GeneralSecurityException {
        byte[] ciphertext = acme.seal(bytes("short body"), KEY_A);
        for (int bit = 0; bit < ciphertext.length * 8; bit++) {
            byte[] tampered = ciphertext.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));

            assertThatThrownBy(() -> acme.open(tampered, KEY_A))
                    .as("bit %d", bit)
                    .isInstanceOf(GeneralSecurityException.class);
        }
    }

    @Test
    void stream_roundTripsFiveMibWithPartialReads() throws Exception {
        byte[] body = random(FIVE_MIB, 7);
        byte[] ciphertext = acme.sealStream(body, KEY_A);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random sizes = new Random(11);
        try (ReadableByteChannel channel = acme.openStream(ciphertext, KEY_A)) {
            while (true) {
                ByteBuffer buffer = ByteBuffer.allocate(1 + sizes.nextInt(20_000));
                int read = channel.read(buffer);
                if (read < 0) {
                    break;
                }
                out.write(buffer.array(), 0, read);
            }
        }

        assertThat(out.toByteArray()).isEqualTo(body);
        assertThat(acme.openStreamFully(ciphertext, KEY_A)).isEqualTo(body);
    }

    @Test
    void sealingChannel_encryptsIncrementally() throws Exception {
        byte[] body = random(300_000, 3);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        try (WritableByteChannel channel = acme.sealingChannel(Channels.newChannel(sink), KEY_A)) {
            for (int offset = 0; offset < body.length; offset += 10_000) {
                ByteBuffer chunk = ByteBuffer.wrap(body, offset, Math.min(10_000, body.length - offset));
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            }
        }

        assertThat(acme.openStreamFully(sink.toByteArray(), KEY_A)).isEqualTo(body);
    }

    @Test
    void openStream_releasesFirstBytesBeforeTheCorruptLastSegmentIsReached() throws Exception {
        byte[] body = random(FIVE_MIB, 5);
        byte[] ciphertext = acme.sealStream(body, KEY_A);
        ciphertext[ciphertext.length - 1] ^= 1;

        try (ReadableByteChannel channel = acme.openStream(ciphertext, KEY_A)) {
            ByteBuffer first = ByteBuffer.allocate(64 * 1024);
            while (first.hasRemaining()) {
                channel.read(first);
            }
            assertThat(first.array()).isEqualTo(Arrays.copyOf(body, first.capacity()));

            assertThatThrownBy(() -> {
                ByteBuffer rest = ByteBuffer.allocate(64 * 1024);
                while (channel.read(rest) >= 0) {
                    rest.clear();
                }
            }).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> acme.openStreamFully(ciphertext, KEY_A))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void openStream_withWrongCacheKeyOrTruncation_fails() throws GeneralSecurityException {
        byte[] ciphertext = acme.sealStream(random(50_000, 9), KEY_A);

        assertThatThrownBy(() -> acme.openStreamFully(ciphertext, KEY_B))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> acme.renamed("globex").openStreamFully(ciphertext, KEY_A))
                .isInstanceOf(GeneralSecurityException.class);
        // Cutting whole segments off must be detected too: the last segment is marked as last.
        assertThatThrownBy(() -> acme.openStreamFully(Arrays.copyOf(ciphertext, 4096 * 3), KEY_A))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void openSeekable_readsARangeInTheMiddle() throws Exception {
        byte[] body = random(1_000_000, 13);
        byte[] ciphertext = acme.sealStream(body, KEY_A);

        try (SeekableByteChannel channel = acme.openSeekable(ciphertext, KEY_A)) {
            channel.position(654_321);
            ByteBuffer range = ByteBuffer.allocate(10_000);
            while (range.hasRemaining() && channel.read(range) > 0) {
                // Keep reading until the range is full.
            }

            assertThat(range.array()).isEqualTo(Arrays.copyOfRange(body, 654_321, 664_321));
            assertThat(channel.size()).isEqualTo(body.length);
            ByteBuffer head = ByteBuffer.allocate(100);
            channel.position(0).read(head);
            assertThat(head.array()).isEqualTo(Arrays.copyOf(body, 100));
        }
    }

    @Test
    void tag_isDeterministicAndSeparatesTenants() throws GeneralSecurityException {
        byte[] tag = acme.tag(bytes("product-42"));

        assertThat(tag).hasSize(32).isEqualTo(acme.tag(bytes("product-42")));
        assertThat(acme.tag(bytes("product-43"))).isNotEqualTo(tag);
        assertThat(acme.renamed("globex").tag(bytes("product-42"))).isNotEqualTo(tag);
        assertThat(TenantKeys.generate("acme").tag(bytes("product-42"))).isNotEqualTo(tag);
        assertThat(acme.tagsForAllKeys(bytes("product-42"))).containsExactly(tag);
    }

    @Test
    void writeAndLoad_roundTripsWithOwnerOnlyPermissions() throws Exception {
        Path file = dir.resolve("acme.keyset.json.enc");
        acme.writeEncrypted(file, kek);

        TenantKeys loaded = TenantKeys.load(file, "acme", kek);

        assertThat(loaded.open(acme.seal(bytes("body"), KEY_A), KEY_A)).isEqualTo(bytes("body"));
        assertThat(loaded.tag(bytes("t"))).isEqualTo(acme.tag(bytes("t")));
        assertThat(loaded.keys()).isEqualTo(acme.keys());
        KeyMaterial.assertNoRawKeys(Files.readString(file), acme);
        assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void load_underWrongKek_failsWithClearMessage(@TempDir Path otherDir) {
        Path file = dir.resolve("acme.keyset.json.enc");
        acme.writeEncrypted(file, kek);
        Aead otherKek = KeyEncryptionKey.generateDevKek(otherDir.resolve("other.json")).aead();

        assertThatThrownBy(() -> TenantKeys.load(file, "acme", otherKek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("keyset file " + file)
                .hasMessageContaining("cannot decrypt the aead keyset of tenant 'acme'")
                .hasMessageContaining("wrong key-encryption key");
    }

    @Test
    void load_fileCopiedToAnotherTenant_fails() throws IOException {
        Path acmeFile = dir.resolve("acme.keyset.json.enc");
        acme.writeEncrypted(acmeFile, kek);
        Path globexFile = Files.copy(acmeFile, dir.resolve("globex.keyset.json.enc"));

        assertThatThrownBy(() -> TenantKeys.load(globexFile, "globex", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("belongs to tenant 'acme', not 'globex'");

        // Editing the tenant field does not help: the keysets are bound to the original tenant.
        String edited = Files.readString(acmeFile).replace("\"tenant\": \"acme\"", "\"tenant\": \"globex\"");
        Files.writeString(globexFile, edited);
        assertThatThrownBy(() -> TenantKeys.load(globexFile, "globex", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("cannot decrypt the aead keyset of tenant 'globex'");
    }

    @Test
    void load_keysetsSwappedBetweenRoles_fails() throws IOException {
        Path file = dir.resolve("acme.keyset.json.enc");
        acme.writeEncrypted(file, kek);
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        JsonObject keysets = root.getAsJsonObject("keysets");
        JsonElement aead = keysets.get("aead");
        keysets.add("aead", keysets.get("prf"));
        keysets.add("prf", aead);
        Files.writeString(file, root.toString());

        assertThatThrownBy(() -> TenantKeys.load(file, "acme", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("cannot decrypt the aead keyset");
    }

    @Test
    void load_missingOrMalformedFile_failsWithClearMessage() throws IOException {
        Path missing = dir.resolve("missing.json.enc");
        assertThatThrownBy(() -> TenantKeys.load(missing, "acme", kek))
                .isInstanceOf(KeyException.class)
                .hasMessage("keyset file " + missing + ": file does not exist");

        Path garbage = Files.writeString(dir.resolve("garbage.json.enc"), "{not json");
        assertThatThrownBy(() -> TenantKeys.load(garbage, "acme", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("malformed JSON");

        Path other = Files.writeString(dir.resolve("other.json.enc"), "{\"format\": \"x\"}");
        assertThatThrownBy(() -> TenantKeys.load(other, "acme", kek))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("not an edgespot tenant keyset");
    }

    @Test
    void toStringAndKeys_neverShowMaterial() {
        String text = acme + "\n" + acme.keys();

        assertThat(text).contains("acme").contains(Integer.toString(acme.primaryKeyId()));
        KeyMaterial.assertNoMaterial(text, acme);
    }

    @Test
    void generate_usesOneKeyIdAcrossRoles() {
        assertThat(acme.keys())
                .hasSize(3)
                .allSatisfy(key -> {
                    assertThat(key.id()).isEqualTo(acme.primaryKeyId()).isPositive();
                    assertThat(key.primary()).isTrue();
                    assertThat(key.status()).isEqualTo(KeyInfo.Status.ENABLED);
                })
                .extracting(KeyInfo::role)
                .containsExactly(KeyInfo.Role.values());
    }

    @Test
    void generate_rejectsBlankTenant() {
        assertThatThrownBy(() -> TenantKeys.generate(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
