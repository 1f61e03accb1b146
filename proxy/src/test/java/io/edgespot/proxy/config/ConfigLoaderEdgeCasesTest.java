package io.edgespot.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs that {@link ConfigLoaderFuzzTest} found to throw something other than {@link ConfigException}, or to be
 * accepted with values the data plane cannot use: each is now a problem with its line and key path.
 */
final class ConfigLoaderEdgeCasesTest {

    private static final String REST = """
            tenants:
              - name: acme
                hosts: [ a.example ]
                clusters: { app: { endpoints: [ "127.0.0.1:8080" ] } }
                routes: [ { to: app } ]
            """;
    private static final String LISTENER = "listeners: [ { name: a, address: \"127.0.0.1:8443\", tls: false } ]\n";

    @TempDir
    Path dir;

    private List<ConfigProblem> problems(String yaml) {
        try {
            new ConfigLoader(FileChecks.existenceOnly()).parse("edge.yaml", new StringReader(yaml), dir);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("config was accepted");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // A list item or a root that is not a mapping: reading on from its empty stand-in threw
                // NullPointerException (it had no place in the file).
                Arguments.of("a scalar listener", "listeners: [ x ]\n" + REST,
                        "edge.yaml:1: listeners[0]: 'name' is required"),
                Arguments.of("a scalar tenant", LISTENER + "tenants: [ y ]\n",
                        "edge.yaml:2: tenants[0]: 'name' is required"),
                Arguments.of("a scalar root", "just text\n", "edge.yaml:1: listeners: at least one listener"),
                // A NUL in a path threw InvalidPathException.
                Arguments.of("NUL in a file path", LISTENER + "admin: { tokenFile: \"a\\0b\" }\n" + REST,
                        "edge.yaml:2: admin.tokenFile: not a valid path: Nul character not allowed"),
                Arguments.of("NUL in the access log path", LISTENER + "accessLog: { file: \"a\\0b\" }\n" + REST,
                        "edge.yaml:2: accessLog.file: not a valid path"),
                Arguments.of("NUL in a file: KEK", LISTENER + "keys: { kek: \"file:a\\0b\" }\n" + REST,
                        "edge.yaml:2: keys.kek: not a valid path"),
                // Durations beyond 64-bit nanoseconds threw ArithmeticException, at load or in the first timer.
                Arguments.of("duration overflow", LISTENER + "limits: { headerTimeout: 200000000000000d }\n" + REST,
                        "edge.yaml:2: limits.headerTimeout: duration too large: '200000000000000d'"),
                Arguments.of("duration beyond nanoseconds", LISTENER + "limits: { idleTimeout: 300000000h }\n" + REST,
                        "edge.yaml:2: limits.idleTimeout: duration too large: '300000000h'"),
                Arguments.of("duration digits overflow", LISTENER + "server: { shutdownGrace: 99999999999999999999s }\n"
                        + REST, "edge.yaml:2: server.shutdownGrace: duration too large"),
                // Sizes held in an int were cast: 4GiB + 1KiB became 1KiB, and a maxUriBytes near 2GiB overflowed
                // the decoder's line limit on every connection.
                Arguments.of("header bytes wrapping", LISTENER + "limits: { maxHeaderBytes: 4294968320 }\n" + REST,
                        "edge.yaml:2: limits.maxHeaderBytes: must be at most 16MiB, got '4294968320'"),
                Arguments.of("URI bytes near 2GiB", LISTENER + "limits: { maxUriBytes: 2147483647 }\n" + REST,
                        "edge.yaml:2: limits.maxUriBytes: must be at most 16MiB"),
                Arguments.of("HTTP/2 window wrapping", LISTENER + "limits: { http2InitialWindowBytes: 4295032831 }\n"
                        + REST, "edge.yaml:2: limits.http2InitialWindowBytes: must be at most 2147483647"),
                Arguments.of("negative per-client bound", LISTENER + "limits: { maxConnectionsPerClient: -1 }\n"
                        + REST, "edge.yaml:2: limits.maxConnectionsPerClient: must be between 0 and 10000000, got -1"),
                Arguments.of("negative request rate", LISTENER + "limits: { maxRequestsPerSecondPerClient: -5 }\n"
                        + REST,
                        "edge.yaml:2: limits.maxRequestsPerSecondPerClient: must be between 0 and 10000000, got -5"),
                Arguments.of("frame bytes wrapping", LISTENER + REST + "    webSockets: { maxFrameBytes: 4294967421 }\n",
                        "edge.yaml:7: tenants[0].webSockets.maxFrameBytes: must be at most 2147483647"),
                // The default admin address taken by a listener had no line.
                Arguments.of("default admin address taken",
                        "listeners:\n  - name: a\n    address: \"127.0.0.1:9901\"\n    tls: false\n" + REST,
                        "edge.yaml:3: admin.address: a listener already uses"),
                // An IPv4 literal with an octet over 255 went to DNS as a host name.
                Arguments.of("octet over 255", LISTENER.replace("127.0.0.1", "300.1.1.1") + REST,
                        "edge.yaml:1: listeners[0].address: expected an IP address and port, got '300.1.1.1:8443'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportedWithItsPlace(String name, String yaml, String expected) {
        assertThat(problems(yaml)).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p).startsWith(expected));
    }
}
