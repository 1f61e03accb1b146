package io.edgespot.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class KeyEncryptionKeyTest {
    private static final byte[] PLAINTEXT = "keyset bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = "ad".getBytes(StandardCharsets.UTF_8);
    private static final Function<String, String> NO_ENV = name -> null;

    private static String kekJson;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws GeneralSecurityException {
        TinkSetup.ensureRegistered();
        kekJson = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    }

    @Test
    void fileSpec_resolvesCleartextKeyset() throws Exception {
        Path file = Files.writeString(dir.resolve("kek.json"), kekJson);

        KeyEncryptionKey kek = KeyEncryptionKey.resolve("file:" + file, NO_ENV, List.of());

        assertThat(kek.spec()).isEqualTo("file:" + file);
        assertThat(kek.toString()).isEqualTo("KeyEncryptionKey[file:" + file + "]");
        assertRoundTrips(kek.aead());
        assertThat(KeyEncryptionKey.resolve(file.toUri().toString(), NO_ENV, List.of()).aead().decrypt(
                kek.aead().encrypt(PLAINTEXT, AD), AD)).isEqualTo(PLAINTEXT);
    }

    @Test
    void fileSpec_missingFile_fails() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> KeyEncryptionKey.resolve("file:" + missing, NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec file:" + missing + ": file does not exist");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("file:", NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec file: has no path; expected file:/path/kek.json");
    }

    @Test
    void fileSpec_invalidContent_failsWithoutEchoingIt() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"secretish\": \"c2VjcmV0LXNlY3JldA==\"");
        Path macKeyset = Files.writeString(dir.resolve("mac.json"), TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG),
                InsecureSecretKeyAccess.get()));

        assertThatThrownBy(() -> KeyEncryptionKey.resolve("file:" + garbage, NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessageStartingWith("KEK spec file:" + garbage + ": file is not a valid Tink keyset JSON")
                .hasMessageNotContaining("c2VjcmV0")
                .hasNoCause();
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("file:" + macKeyset, NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec file:" + macKeyset + ": file holds a keyset that is not an AEAD keyset");
    }

    @Test
    void envSpec_acceptsRawAndBase64Json() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(kekJson.getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = Map.of("KEK_RAW", kekJson, "KEK_B64", base64);

        Aead raw = KeyEncryptionKey.resolve("env:KEK_RAW", env::get, List.of()).aead();
        Aead decoded = KeyEncryptionKey.resolve("env:KEK_B64", env::get, List.of()).aead();

        assertThat(decoded.decrypt(raw.encrypt(PLAINTEXT, AD), AD)).isEqualTo(PLAINTEXT);
    }

    @Test
    void envSpec_unsetOrInvalidVariable_fails() {
        Map<String, String> env = Map.of("EMPTY", " ", "JUNK", "not*base64*at*all");

        assertThatThrownBy(() -> KeyEncryptionKey.resolve("env:EDGESPOT_KEK", NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec env:EDGESPOT_KEK: environment variable EDGESPOT_KEK is not set or empty");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("env:EMPTY", env::get, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("environment variable EMPTY is not set or empty");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("env:JUNK", env::get, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec env:JUNK: value is neither Tink keyset JSON nor base64 of it")
                .hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("env:", env::get, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec env: has no variable name; expected env:VAR");
    }

    @Test
    void kmsUri_isResolvedThroughTheSupportingClient() throws Exception {
        Path key = Files.writeString(dir.resolve("kms-key.json"), kekJson);
        String uri = "test-kms://" + key.toAbsolutePath();

        KeyEncryptionKey kek = KeyEncryptionKey.resolve(uri, NO_ENV,
                List.of(new KeysetFileKmsClient("other-kms://"), new KeysetFileKmsClient("test-kms://")));

        assertRoundTrips(kek.aead());
        assertThat(kek.toString()).isEqualTo("KeyEncryptionKey[" + uri + "]");
    }

    @Test
    void kmsUri_isResolvedThroughAClientInstalledOnTheClassPath() throws Exception {
        Path file = Files.writeString(dir.resolve("installed-kms-key.json"), kekJson);
        String uri = KeysetFileKmsClient.PREFIX + file.toAbsolutePath();

        assertThat(KeyEncryptionKey.installedKmsClients()).singleElement().isInstanceOf(KeysetFileKmsClient.class);
        KeyEncryptionKey viaKms = KeyEncryptionKey.resolve(uri);
        KeyEncryptionKey viaFile = KeyEncryptionKey.resolve("file:" + file);

        assertRoundTrips(viaKms.aead());
        // the same key: what one wraps, the other unwraps
        assertThat(viaFile.aead().decrypt(viaKms.aead().encrypt(PLAINTEXT, AD), AD)).isEqualTo(PLAINTEXT);
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("other-kms://keys/k"))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec other-kms://keys/k: no KMS client supports this URI among the 1 registered");
    }

    @Test
    void kmsUri_withoutSupportingClient_fails() {
        String aws = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        List<KmsClient> clients = List.of(new KeysetFileKmsClient("test-kms://"));

        assertThatThrownBy(() -> KeyEncryptionKey.resolve(aws, NO_ENV, clients))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec " + aws + ": no KMS client supports this URI among the 1 registered"
                        + " (aws-kms:// needs an AwsKmsClient from tink-awskms)");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("gcp-kms://projects/p/keys/k", NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec gcp-kms://projects/p/keys/k: no KMS client supports this URI among the 0"
                        + " registered");
    }

    @Test
    void kmsUri_clientFailure_isReportedWithTheUri() {
        String uri = "test-kms://" + dir.resolve("no-such-key.json").toAbsolutePath();
        List<KmsClient> clients = List.of(new KeysetFileKmsClient("test-kms://"));

        assertThatThrownBy(() -> KeyEncryptionKey.resolve(uri, NO_ENV, clients))
                .isInstanceOf(KeyException.class)
                .hasMessage("KEK spec " + uri + ": KMS client KeysetFileKmsClient cannot provide an AEAD for this key URI")
                .hasCauseInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void unknownOrEmptySpec_fails() {
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("vault:secret/kek", NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessageStartingWith("KEK spec 'vault:secret/kek': unknown kind; expected file:/path/kek.json");
        assertThatThrownBy(() -> KeyEncryptionKey.resolve("  ", NO_ENV, List.of()))
                .isInstanceOf(KeyException.class)
                .hasMessageStartingWith("KEK spec is empty");
    }

    @Test
    void generateDevKek_writesOwnerOnlyFileAndRefusesToOverwrite() throws Exception {
        Path file = dir.resolve("dev/kek.json");

        KeyEncryptionKey generated = KeyEncryptionKey.generateDevKek(file);
        KeyEncryptionKey reloaded = KeyEncryptionKey.resolve("file:" + file.toAbsolutePath(), NO_ENV, List.of());

        assertThat(reloaded.aead().decrypt(generated.aead().encrypt(PLAINTEXT, AD), AD)).isEqualTo(PLAINTEXT);
        String before = Files.readString(file);
        assertThatThrownBy(() -> KeyEncryptionKey.generateDevKek(file))
                .isInstanceOf(KeyException.class)
                .hasMessage("dev KEK " + file.toAbsolutePath()
                        + ": file already exists; refusing to overwrite a KEK");
        assertThat(Files.readString(file)).isEqualTo(before);
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
        assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static void assertRoundTrips(Aead aead) throws GeneralSecurityException {
        assertThat(aead.decrypt(aead.encrypt(PLAINTEXT, AD), AD)).isEqualTo(PLAINTEXT);
    }
}
