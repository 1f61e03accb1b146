package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * RFC 9113 / RFC 7541 conformance of the HTTP/2 TLS listener, measured by h2spec against the real server with a
 * real origin behind it. The h2spec binary comes from the system property or environment variable
 * {@code H2SPEC}, else {@value #DEFAULT_H2SPEC}; without it the test is skipped. Its JUnit report and its
 * output are kept under {@code target/}.
 */
final class Http2ConformanceIT {

    static final String DEFAULT_H2SPEC = "/root/.cache/edgespot-conformance/h2spec-2.2.0/h2spec";
    static final int EXPECTED = 145;

    @TempDir
    static Path dir;
    static TestOrigin origin;
    static EdgeFixture edge;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = new TestPki(dir);
        pki.server("acme", "localhost");
        origin = TestOrigin.http("a");
        edge = new EdgeFixture(dir, """
                server: { eventLoops: 2, shutdownGrace: 2s }
                listeners:
                  - { name: tls, address: "127.0.0.1:0", tls: true, http2: true }
                admin: { enabled: false }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    certificate: { cert: acme.crt, key: acme.key }
                    clusters:
                      origin: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: / }, to: origin }
                """.formatted(origin.port()));
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private static Path h2spec() {
        String configured = System.getProperty("H2SPEC", System.getenv("H2SPEC"));
        return Path.of(configured == null || configured.isBlank() ? DEFAULT_H2SPEC : configured);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void h2specPassesEveryTest() throws Exception {
        Path binary = h2spec();
        Assumptions.assumeTrue(Files.isExecutable(binary), "h2spec not found at " + binary);
        Path target = Files.createDirectories(Path.of("target", "h2spec"));
        Path report = target.resolve("h2spec-junit.xml");
        Path log = target.resolve("h2spec.log");
        Files.deleteIfExists(report);

        // -h localhost sends SNI, which picks the tenant's certificate.
        Process p = new ProcessBuilder(binary.toString(), "--tls", "--insecure", "-h", "localhost",
                "-p", String.valueOf(edge.port("tls")), "-o", "3", "--junit-report", report.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("h2spec did not finish within 4 minutes; see " + log);
        }
        assertThat(report).as("h2spec JUnit report (h2spec output in %s)", log).exists();

        Score score = Score.of(report);
        System.out.println("h2spec: passed " + score.passed + "/" + EXPECTED);
        assertThat(score.failedCases).as("failed h2spec cases (details in %s)", log).isEmpty();
        assertThat(score.failed).isZero();
        assertThat(score.passed).isEqualTo(EXPECTED);
    }

    /** Counts from h2spec's JUnit report: one testsuite per spec section, one testcase per test. */
    record Score(int passed, int failed, List<String> failedCases) {
        static Score of(Path report) throws Exception {
            Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                    .getDocumentElement();
            int tests = 0;
            int failed = 0;
            NodeList suites = root.getElementsByTagName("testsuite");
            for (int i = 0; i < suites.getLength(); i++) {
                Element s = (Element) suites.item(i);
                tests += Integer.parseInt(s.getAttribute("tests"));
                failed += Integer.parseInt(s.getAttribute("failures")) + Integer.parseInt(s.getAttribute("errors"));
                tests -= Integer.parseInt(s.getAttribute("skipped"));
            }
            List<String> failedCases = new ArrayList<>();
            NodeList cases = root.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                if (c.getElementsByTagName("failure").getLength() > 0
                        || c.getElementsByTagName("error").getLength() > 0) {
                    failedCases.add(c.getAttribute("package") + ": " + c.getAttribute("classname"));
                }
            }
            return new Score(tests - failed, failed, failedCases);
        }
    }
}
