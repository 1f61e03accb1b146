package io.edgespot.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.crypto.KeyEncryptionKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code edgespot} command finds a KMS client in a jar on {@code EDGESPOT_CLASSPATH}, as an operator
 * installs tink-awskms: the test compiles a KMS client plugin, packs it with its {@code META-INF/services} entry, and
 * runs the launcher with and without it. The plugin's key URIs name a cleartext keyset file, so nothing touches the
 * network.
 */
final class KmsPluginIT {

    private static final String PLUGIN_SOURCE = """
            package kmsplugin;

            import com.google.crypto.tink.Aead;
            import com.google.crypto.tink.InsecureSecretKeyAccess;
            import com.google.crypto.tink.KmsClient;
            import com.google.crypto.tink.RegistryConfiguration;
            import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.security.GeneralSecurityException;

            public final class FileKms implements KmsClient {
                public boolean doesSupport(String uri) { return uri != null && uri.startsWith("plugin-kms://"); }
                public KmsClient withCredentials(String path) { return this; }
                public KmsClient withDefaultCredentials() { return this; }
                public Aead getAead(String uri) throws GeneralSecurityException {
                    try {
                        String json = Files.readString(Path.of(uri.substring("plugin-kms://".length())));
                        return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
                                .getPrimitive(RegistryConfiguration.get(), Aead.class);
                    } catch (java.io.IOException e) {
                        throw new GeneralSecurityException("no key at " + uri, e);
                    }
                }
            }
            """;

    @TempDir
    Path dir;
    private Path plugin;
    private String kekUri;

    @BeforeEach
    void pluginJarAndKey() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/kmsplugin")).resolve("FileKms.java");
        Files.writeString(src, PLUGIN_SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d",
                classes.toString(), src.toString())).isZero();
        plugin = dir.resolve("kms-plugin.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugin))) {
            add(jar, "kmsplugin/FileKms.class", Files.readAllBytes(classes.resolve("kmsplugin/FileKms.class")));
            add(jar, "META-INF/services/com.google.crypto.tink.KmsClient",
                    "kmsplugin.FileKms\n".getBytes(StandardCharsets.UTF_8));
        }
        Path key = dir.resolve("kms-held-key.json");
        KeyEncryptionKey.generateDevKek(key);
        kekUri = "plugin-kms://" + key.toAbsolutePath();
    }

    @Test
    void keysCommandsUnwrapThroughAKmsClientOnTheClassPath() throws Exception {
        String keyset = dir.resolve("acme.keyset.json").toString();
        Map<String, String> withPlugin = Map.of("EDGESPOT_CLASSPATH", plugin.toString());

        Result created = edgespot(withPlugin, "keys", "new", "--keyset", keyset, "--tenant", "acme", "--kek", kekUri);
        assertThat(created.exit()).as(created.output()).isZero();
        assertThat(created.output()).contains("created " + keyset + " for tenant acme");

        Result listed = edgespot(withPlugin, "keys", "list", "--keyset", keyset, "--tenant", "acme", "--kek", kekUri);
        assertThat(listed.exit()).as(listed.output()).isZero();
        assertThat(listed.output()).containsPattern("\\d+\\s+\\S+\\s+ENABLED\\s+yes");

        Result without = edgespot(Map.of(), "keys", "list", "--keyset", keyset, "--tenant", "acme", "--kek", kekUri);
        assertThat(without.exit()).isEqualTo(1);
        assertThat(without.output()).contains("edgespot keys list: KEK spec " + kekUri
                + ": no KMS client supports this URI among the 0 registered");
    }

    @Test
    void checkOpensATenantKeysetUnderAKmsKekThroughThePlugin() throws Exception {
        Path keyset = dir.resolve("acme.keyset.json");
        Map<String, String> withPlugin = Map.of("EDGESPOT_CLASSPATH", plugin.toString());
        assertThat(edgespot(withPlugin, "keys", "new", "--keyset", keyset.toString(), "--tenant", "acme", "--kek",
                kekUri).exit()).isZero();
        Path config = Files.writeString(dir.resolve("edge.yaml"), """
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false }
                keys:
                  kek: "%s"
                tenants:
                  - name: acme
                    hosts: [ "acme.test" ]
                    keyset: { file: "%s" }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:9" ] }
                    routes:
                      - { match: { pathPrefix: / }, to: origin }
                """.formatted(kekUri, keyset));

        Result checked = edgespot(withPlugin, "check", config.toString());
        assertThat(checked.exit()).as(checked.output()).isZero();

        Result without = edgespot(Map.of(), "check", config.toString());
        assertThat(without.exit()).isEqualTo(1);
        assertThat(without.output()).contains(config + ":8: tenants[0].keyset.file: cannot resolve keys.kek: KEK spec "
                + kekUri + ": no KMS client supports this URI among the 0 registered");
    }

    private record Result(int exit, String output) {
    }

    /** Runs the repository's {@code edgespot} launcher (its jar is built by the package phase before the ITs). */
    private static Result edgespot(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("..", "edgespot").toAbsolutePath().normalize().toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment.remove("EDGESPOT_CLASSPATH");
        environment.putAll(env);
        environment.put("EDGESPOT_HEAP", "256m");
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private static void add(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }
}
