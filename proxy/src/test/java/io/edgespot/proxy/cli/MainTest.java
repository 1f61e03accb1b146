package io.edgespot.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.KeysetTool;
import io.edgespot.crypto.tls.CertificateAuthority;
import io.edgespot.crypto.tls.IssuedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Creates every file examples/edge.yaml names, with real certificates and keysets. */
    private Path exampleWithFiles() throws Exception {
        Path example = Path.of("..", "examples", "edge.yaml");
        Path config = dir.resolve("edge.yaml");
        Files.copy(example, config);
        Files.createDirectories(dir.resolve("certs"));
        Files.createDirectories(dir.resolve("keys"));
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/admin-token"), "t0ken-for-tests\n");
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("secrets/kek.json"));
        CertificateAuthority ca = CertificateAuthority.create("test ca");
        ca.issueServer(List.of("shop.acme.example", "*.acme.example"))
                .writePem(dir.resolve("certs/acme.crt"), dir.resolve("certs/acme.key"));
        ca.issueServer(List.of("media.example.net"))
                .writePem(dir.resolve("certs/media.crt"), dir.resolve("certs/media.key"));
        ca.issueClient("edge").writePem(dir.resolve("certs/media-client.crt"), dir.resolve("certs/media-client.key"));
        ca.writeCertPem(dir.resolve("certs/acme-origin-ca.crt"));
        ca.writeCertPem(dir.resolve("certs/media-ca.crt"));
        KeysetTool.create(dir.resolve("keys/acme.keyset.json"), "acme", kek.aead());
        KeysetTool.create(dir.resolve("keys/media.keyset.json"), "media", kek.aead());
        return config;
    }

    @Test
    void checkAcceptsTheShippedExample() throws Exception {
        Path config = exampleWithFiles();
        assertThat(run("check", config.toString())).as(err()).isEqualTo(0);
        assertThat(out()).isEqualTo("ok\n");
    }

    @Test
    void checkReportsAKeyThatDoesNotMatchItsCertificate() throws Exception {
        Path config = exampleWithFiles();
        IssuedCertificate other = IssuedCertificate.selfSigned(List.of("media.example.net"));
        other.writePem(dir.resolve("other.crt"), dir.resolve("certs/media.key"));
        assertThat(run("check", config.toString())).isEqualTo(1);
        assertThat(err()).contains("edge.yaml:" + lineOf(config, "cert: certs/media.crt")
                + ": tenants[1].certificate: ")
                .containsIgnoringCase("does not match");
        assertThat(err()).doesNotContain("PRIVATE KEY").doesNotContain("Exception");
    }

    @Test
    void checkReportsAKeysetOfAnotherTenant() throws Exception {
        Path config = exampleWithFiles();
        Files.copy(dir.resolve("keys/acme.keyset.json"), dir.resolve("keys/media.keyset.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(run("check", config.toString())).isEqualTo(1);
        assertThat(err()).startsWith(config + ":" + lineOf(config, "keys/media.keyset.json")
                + ": tenants[1].keyset.file: ");
    }

    @Test
    void checkPrintsEveryErrorAndExitsOne() throws Exception {
        Path config = exampleWithFiles();
        String text = Files.readString(config).replace("to: origin }", "to: orign }")
                .replace("maxConnections: 15000", "maxConnections: -1");
        Files.writeString(config, text);
        assertThat(run("check", config.toString())).isEqualTo(1);
        int route = lineOf(config, "to: orign }");
        int limit = lineOf(config, "maxConnections: -1");
        assertThat(err().lines()).hasSize(2)
                .anySatisfy(l -> assertThat(l).isEqualTo(config + ":" + route + ": tenants[0].routes[2].to: "
                        + "no cluster named 'orign' (clusters: app, origin)"))
                .anySatisfy(l -> assertThat(l).startsWith(config + ":" + limit
                        + ": limits.maxConnections: must be between"));
    }

    /** The 1-based number of the first line of {@code file} that contains {@code text}. */
    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line of " + file + " contains " + text);
    }

    @Test
    void usageErrorsExitTwoAndHelpExitsZero() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown subcommand 'frobnicate'");
        assertThat(run("check")).isEqualTo(2);
        assertThat(run("check", "--help")).isEqualTo(0);
        assertThat(run("keys", "--help")).isEqualTo(0);
        assertThat(run("--help")).isEqualTo(0);
        assertThat(run("version")).isEqualTo(0);
        assertThat(out()).contains("edgespot 0.1.0");
    }

    @Test
    void keysLifecycleNeverPrintsKeyMaterial() {
        Path keyset = dir.resolve("t.keyset.json");
        Path kek = dir.resolve("kek.json");
        assertThat(run("keys", "new", "--keyset", keyset.toString(), "--tenant", "t", "--dev-kek", kek.toString()))
                .as(err()).isEqualTo(0);
        String kekSpec = "file:" + kek;
        assertThat(run("keys", "rotate", "--keyset", keyset.toString(), "--tenant", "t", "--kek", kekSpec))
                .isEqualTo(0);
        String rotated = out().lines().filter(l -> l.startsWith("added key")).findFirst().orElseThrow();
        String id = rotated.split(" ")[2];
        assertThat(run("keys", "promote", "--keyset", keyset.toString(), "--tenant", "t", "--kek", kekSpec,
                "--id", id)).isEqualTo(0);
        out.reset();
        assertThat(run("keys", "list", "--keyset", keyset.toString(), "--tenant", "t", "--kek", kekSpec))
                .isEqualTo(0);
        assertThat(out()).contains(id).contains("yes").doesNotContainPattern("[A-Za-z0-9+/=]{32,}");
        assertThat(run("keys", "list", "--keyset", keyset.toString(), "--tenant", "other", "--kek", kekSpec))
                .isEqualTo(1);
        assertThat(run("keys", "promote", "--keyset", keyset.toString(), "--tenant", "t", "--kek", kekSpec))
                .isEqualTo(2);
        assertThat(err()).contains("missing --id");
    }
}
