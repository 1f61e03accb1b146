package io.edgespot.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class ConfigLoaderTest {

    private static final String VALID = """
            listeners:
              - { name: public, address: "127.0.0.1:8443", tls: false }
            tenants:
              - name: acme
                hosts: [ shop.acme.example, "*.acme.example" ]
                clusters:
                  app: { endpoints: [ "127.0.0.1:8080" ] }
                routes:
                  - { match: { pathPrefix: /api }, to: app, cache: false }
                  - { to: app }
            """;

    @TempDir
    Path dir;

    private EdgeConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(FileChecks.existenceOnly()).parse("edge.yaml", new StringReader(yaml), dir);
    }

    private List<ConfigProblem> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("config was accepted");
    }

    @Test
    void validConfigGetsDocumentedDefaults() throws ConfigException {
        EdgeConfig c = parse(VALID);
        assertThat(c.listeners()).singleElement().satisfies(l -> {
            assertThat(l.address().getPort()).isEqualTo(8443);
            assertThat(l.http2()).isTrue();
            assertThat(l.proxyProtocol()).isFalse();
            assertThat(l.sessionTickets()).isTrue();
        });
        assertThat(c.limits().headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.limits().maxHeaderBytes()).isEqualTo(64 * 1024);
        assertThat(c.admin().address().getPort()).isEqualTo(9901);
        EdgeConfig.Tenant t = c.tenants().get(0);
        assertThat(t.hosts()).containsExactly("shop.acme.example", "*.acme.example");
        assertThat(t.cache().maxBytes()).isEqualTo(256L << 20);
        assertThat(t.routes()).hasSize(2);
        assertThat(t.routes().get(1).match().pathPrefix()).contains("/");
        assertThat(t.clusters().get("app").balancer()).isEqualTo(EdgeConfig.Balancer.ROUND_ROBIN);
        assertThat(t.clusters().get("app").connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("unknown cluster", VALID.replace("to: app, cache", "to: orign, cache"),
                        "edge.yaml:9: tenants[0].routes[0].to: no cluster named 'orign' (clusters: app)"),
                Arguments.of("typo in a key", VALID.replace("cache: false", "cahce: false"),
                        "edge.yaml:9: tenants[0].routes[0].cahce: unknown key (did you mean 'cache'?)"),
                Arguments.of("negative size", VALID + "    cache: { maxBytes: -5MiB }\n",
                        "edge.yaml:11: tenants[0].cache.maxBytes: size must not be negative, got '-5MiB'"),
                Arguments.of("size without a known unit", VALID + "    cache: { maxBytes: 5 MegaBytes }\n",
                        "edge.yaml:11: tenants[0].cache.maxBytes: not a size: '5 MegaBytes'"),
                Arguments.of("bad duration", VALID + "limits: { headerTimeout: 10 seconds }\n",
                        "edge.yaml:11: limits.headerTimeout: not a duration: '10 seconds'"),
                Arguments.of("port out of range", VALID.replace("127.0.0.1:8443", "127.0.0.1:99999"),
                        "edge.yaml:2: listeners[0].address: port must be between 0 and 65535, got 99999"),
                Arguments.of("WebSocket route to an HTTP/2 cluster", VALID
                                .replace("app: { endpoints: [ \"127.0.0.1:8080\" ] }",
                                        "app: { endpoints: [ \"127.0.0.1:8080\" ], http2: true }")
                                .replace("- { to: app }", "- { to: app, webSocket: true }"),
                        "edge.yaml:10: tenants[0].routes[1].webSocket: cluster 'app' is HTTP/2 upstream; WebSockets"
                                + " are proxied over HTTP/1.1 upstream connections"),
                Arguments.of("tickets on a plain listener", VALID.replace("tls: false", "tls: false, sessionTickets: false"),
                        "edge.yaml:2: listeners[0].sessionTickets: 'sessionTickets' applies to TLS listeners only"),
                Arguments.of("wrong type", VALID.replace("tls: false", "tls: maybe"),
                        "edge.yaml:2: listeners[0].tls: expected true or false, got 'maybe'"),
                Arguments.of("duplicate host across tenants", VALID + """
                          - name: other
                            hosts: [ shop.acme.example ]
                            clusters: { c: { endpoints: [ "127.0.0.1:1" ] } }
                            routes: [ { to: c } ]
                        """, "edge.yaml:12: tenants[1].hosts[0]: host 'shop.acme.example' is already used by tenant 'acme'"),
                Arguments.of("missing certificate file", VALID.replace("tls: false", "tls: true")
                                + "    certificate: { cert: nope.crt, key: nope.key }\n",
                        "edge.yaml:11: tenants[0].certificate.cert: file not found: "),
                Arguments.of("tls listener without certificate", VALID.replace("tls: false", "tls: true"),
                        "edge.yaml:4: tenants[0]: 'certificate' is required because a listener terminates TLS"),
                Arguments.of("unknown balancer", VALID.replace("\"127.0.0.1:8080\" ] }",
                                "\"127.0.0.1:8080\" ], balancer: random }"),
                        "edge.yaml:7: tenants[0].clusters.app.balancer: expected one of round-robin, least-request, "
                                + "ring-hash, maglev, got 'random'"),
                Arguments.of("ring hash without key", VALID.replace("\"127.0.0.1:8080\" ] }",
                                "\"127.0.0.1:8080\" ], balancer: ring-hash }"),
                        "edge.yaml:7: tenants[0].clusters.app.balancer: needs 'hashOn' (header:NAME or cookie:NAME)"),
                Arguments.of("bad regex", VALID.replace("pathPrefix: /api", "pathRegex: \"/a(pi\""),
                        "edge.yaml:9: tenants[0].routes[0].match.pathRegex: invalid regular expression"),
                Arguments.of("bad tenant name", VALID.replace("name: acme", "name: Acme_Corp"),
                        "edge.yaml:4: tenants[0].name: must match [a-z0-9][a-z0-9-]*"),
                Arguments.of("keyset without kek", VALID + "    keyset: { file: edge.yaml }\n",
                        "edge.yaml:11: tenants[0].keyset: a keyset needs 'keys.kek' to decrypt it"),
                Arguments.of("unknown top-level key", VALID + "listners: []\n",
                        "edge.yaml:11: listners: unknown key (did you mean 'listeners'?)"),
                Arguments.of("invalid YAML", "listeners: [ { name: a\n", "edge.yaml:2: invalid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void eachErrorNamesItsPlace(String name, String yaml, String expected) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("edge.yaml"), "stands in for a keyset file");
        assertThat(problems(yaml)).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p).startsWith(expected));
    }

    @Test
    void everyErrorIsReportedInOnePass() {
        String yaml = VALID.replace("to: app, cache", "to: orign, cache").replace("127.0.0.1:8443", "127.0.0.1:x");
        assertThat(problems(yaml)).hasSize(2);
    }

    @Test
    void emptyFileAndMissingSectionsAreExplained() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml: the file is empty; a config needs at least 'listeners' and 'tenants'");
        assertThat(problems("admin: {}\n")).extracting(ConfigProblem::path).contains("listeners", "tenants");
    }

    @Test
    void missingFileIsOneClearError() {
        assertThatThrownBy(() -> new ConfigLoader(FileChecks.existenceOnly()).load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("absent.yaml: file not found");
    }

    @Test
    void unitsParse() {
        assertThat(Units.parseSize("512MiB")).isEqualTo(512L << 20);
        assertThat(Units.parseSize("10KB")).isEqualTo(10_000);
        assertThat(Units.parseSize("4096")).isEqualTo(4096);
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> Units.parseSize("99999999999999GiB")).hasMessageContaining("too large");
    }
}
