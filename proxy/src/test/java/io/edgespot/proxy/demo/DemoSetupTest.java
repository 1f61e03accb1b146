package io.edgespot.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.crypto.tls.PemMaterial;
import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.EdgeConfig.Listener;
import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.config.EdgeConfig.Tenant;
import io.edgespot.proxy.config.VerifiedFileChecks;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DemoSetupTest {

    private static final int ORIGIN_PORT = 18080;

    @TempDir
    Path dir;

    @Test
    void generatesAConfigThatTheRealLoaderAccepts() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir.resolve("demo"), 0, 19901, ORIGIN_PORT);
        EdgeConfig config = setup.config();
        assertThat(setup.directory()).isEqualTo(dir.resolve("demo").toAbsolutePath());
        assertThat(config.source()).isEqualTo(setup.configFile().toString());

        assertThat(config.listeners()).hasSize(1);
        Listener listener = config.listeners().get(0);
        assertThat(listener.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(listener.address().getPort()).isZero();
        assertThat(listener.tls()).isTrue();
        assertThat(listener.http2()).isTrue();
        assertThat(config.admin().enabled()).isTrue();
        assertThat(config.admin().address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(config.admin().address().getPort()).isEqualTo(19901);
        assertThat(config.keys().kek()).contains("file:" + setup.kekFile());

        assertThat(config.tenants()).hasSize(1);
        Tenant t = config.tenant(DemoSetup.TENANT).orElseThrow();
        assertThat(t.hosts()).containsExactly("localhost", "127.0.0.1");
        assertThat(t.certificate()).hasValueSatisfying(c -> {
            assertThat(c.cert()).isEqualTo(setup.certFile());
            assertThat(c.key()).isEqualTo(setup.keyFile());
        });
        assertThat(t.keyset()).contains(setup.keysetFile());
        assertThat(t.cache().enabled()).isTrue();
        assertThat(t.webSockets().max()).isPositive();
        assertThat(t.clusters()).containsOnlyKeys("origin");
        assertThat(t.clusters().get("origin").endpoints()).singleElement()
                .hasToString("127.0.0.1:" + ORIGIN_PORT);
        assertThat(t.clusters().get("origin").tls()).isEmpty();

        List<Route> routes = t.routes();
        assertThat(routes).hasSize(3).allSatisfy(r -> assertThat(r.to()).isEqualTo("origin"));
        assertThat(routes.get(0).match().pathPrefix()).contains("/ws");
        assertThat(routes.get(0).webSocket()).isTrue();
        assertThat(routes.get(1).match().pathPrefix()).contains("/api");
        assertThat(routes.get(1).cache()).isFalse();
        assertThat(routes.get(1).webSocket()).isFalse();
        assertThat(routes.get(2).match().pathPrefix()).contains("/");
        assertThat(routes.get(2).cache()).isTrue();
        assertThat(routes.get(2).webSocket()).isFalse();
    }

    @Test
    void certificateIsSelfSignedForLocalhostAndLoopbackAndMatchesItsKey() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir, 0, 19901, ORIGIN_PORT);
        assertThat(PemMaterial.problems(setup.certFile(), setup.keyFile())).isEmpty();
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(setup.certFile())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        List<String> sans = new ArrayList<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            sans.add(san.get(0) + ":" + san.get(1)); // 2 = dNSName, 7 = iPAddress
        }
        assertThat(sans).contains("2:localhost", "7:127.0.0.1");
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        cert.checkValidity();
    }

    @Test
    void keysetOpensUnderTheGeneratedKekForTenantDemoOnly() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir, 0, 19901, ORIGIN_PORT);
        KeyEncryptionKey kek = KeyEncryptionKey.resolve(setup.config().keys().kek().orElseThrow());
        TenantKeys keys = TenantKeys.load(setup.keysetFile(), DemoSetup.TENANT, kek.aead());
        byte[] ad = "demo|https://localhost/".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = keys.seal("cached body".getBytes(StandardCharsets.UTF_8), ad);
        assertThat(new String(keys.open(sealed, ad), StandardCharsets.UTF_8)).isEqualTo("cached body");
        assertThatThrownBy(() -> TenantKeys.load(setup.keysetFile(), "other", kek.aead()))
                .hasMessageContaining("belongs to tenant 'demo'");
    }

    @Test
    void theYamlOnDiskPassesTheChecksOfEdgespotCheckAndIsRelocatable() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir.resolve("a"), DemoSetup.DEFAULT_PORT, DemoSetup.DEFAULT_ADMIN_PORT,
                ORIGIN_PORT);
        String yaml = Files.readString(setup.configFile());
        assertThat(yaml).isEqualTo(DemoSetup.yaml(8443, 9901, ORIGIN_PORT));
        // What 'edgespot check' runs (see Main.check); DemoConfigCheckTest runs the command itself.
        EdgeConfig reloaded = new ConfigLoader(new VerifiedFileChecks()).load(setup.configFile());
        assertThat(reloaded.listeners().get(0).address().getPort()).isEqualTo(8443);
        assertThat(reloaded.admin().address().getPort()).isEqualTo(9901);

        // Paths in the file are relative, so the directory can be moved and reused with 'run --config'.
        Path moved = Files.move(setup.directory(), dir.resolve("b"));
        EdgeConfig fromMoved = new ConfigLoader(new VerifiedFileChecks()).load(moved.resolve("edge.yaml"));
        assertThat(fromMoved.tenant("demo").orElseThrow().keyset()).contains(moved.resolve("demo.keyset.json"));
    }

    @Test
    void secretsStayInTheirFilesWithOwnerOnlyPermissions() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir, 0, 19901, ORIGIN_PORT);
        String yaml = Files.readString(setup.configFile());
        String kekJson = Files.readString(setup.kekFile());
        assertThat(kekJson).contains("value"); // the cleartext dev KEK is in its own file...
        assertThat(yaml).doesNotContain("PRIVATE KEY").doesNotContainPattern("[A-Za-z0-9+/=]{32,}")
                .contains("file:kek.json"); // ...and the config only names it
        assertThat(setup.toString()).doesNotContain("PRIVATE KEY").doesNotContainPattern("[A-Za-z0-9+/=]{40,}");
        assertThat(Files.readString(setup.keysetFile())).doesNotContain(kekJson);
        if (Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Set<PosixFilePermission> ownerOnly = Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            for (Path secret : List.of(setup.keyFile(), setup.kekFile(), setup.keysetFile())) {
                assertThat(Files.getPosixFilePermissions(secret)).as(secret.toString()).isEqualTo(ownerOnly);
            }
        }
    }

    @Test
    void refusesADirectoryThatAlreadyHoldsADemo() throws Exception {
        DemoSetup first = DemoSetup.generate(dir, 0, 19901, ORIGIN_PORT);
        byte[] kek = Files.readAllBytes(first.kekFile());
        assertThatThrownBy(() -> DemoSetup.generate(dir, 0, 19901, ORIGIN_PORT))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("fresh directory");
        assertThat(Files.readAllBytes(first.kekFile())).isEqualTo(kek);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("edge.yaml", "demo.crt", "demo.key", "kek.json", "demo.keyset.json");
        }
    }

    @Test
    void badPortsAreRefused() {
        assertThatThrownBy(() -> DemoSetup.generate(dir, -1, 9901, ORIGIN_PORT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> DemoSetup.generate(dir, 8443, 65536, ORIGIN_PORT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adminPort");
        assertThatThrownBy(() -> DemoSetup.generate(dir, 8443, 9901, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("originPort");
    }

    @Test
    void theLoaderReportsAListenerAndAdminOnOnePort() {
        // Validated exactly like a user's file: the loader's own message comes back.
        assertThatThrownBy(() -> DemoSetup.generate(dir, 8443, 8443, ORIGIN_PORT))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p.toString()).contains("admin.address")));
    }

    @Test
    void defaultsAreTheDocumentedPorts() {
        assertThat(DemoSetup.DEFAULT_PORT).isEqualTo(8443);
        assertThat(DemoSetup.DEFAULT_ADMIN_PORT).isEqualTo(9901);
        assertThat(Optional.of(DemoSetup.yaml(8443, 9901, 1234)))
                .hasValueSatisfying(y -> assertThat(y).contains("\"127.0.0.1:8443\"", "\"127.0.0.1:9901\"",
                        "\"127.0.0.1:1234\""));
    }
}
