package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.loadtest.TestHttpServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HttpScenarioTest {

    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void certs() throws Exception {
        certs = TestCerts.generate(dir);
    }

    @Test
    void closedLoopHttp1SendsExactlyTheRequestedNumber() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/x"), "--requests", "500", "--connections", "4",
                "--threads", "1");
            assertThat(server.requests.get()).isEqualTo(500);
            assertThat(r.number("requests")).isEqualTo(500);
            assertThat(r.number("status.2xx")).isEqualTo(500);
            assertThat(r.number("errors.connect") + r.number("errors.timeout") + r.number("errors.other")).isZero();
            assertThat(r.number("bytesRead")).isPositive();
            assertThat(r.number("p50")).isPositive();
            assertThat(r.get("protocol")).isEqualTo("http/1.1");
            assertThat(server.paths).allMatch("/x"::equals);
        }
    }

    @Test
    void statusClassesAreCounted() throws Exception {
        int[] codes = {200, 302, 404, 503};
        try (TestHttpServer server = new TestHttpServer(null, false,
            (req, seq) -> Reply.status(codes[(int) (seq % 4)]))) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--requests", "400", "--connections", "1");
            assertThat(server.requests.get()).isEqualTo(400);
            assertThat(r.number("status.2xx")).isEqualTo(100);
            assertThat(r.number("status.3xx")).isEqualTo(100);
            assertThat(r.number("status.4xx")).isEqualTo(100);
            assertThat(r.number("status.5xx")).isEqualTo(100);
        }
    }

    @Test
    void methodHeadersAndBodyAreSent() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> {
            boolean ok = req.method().name().equals("POST") && "yes".equals(req.headers().get("X-Test"))
                && req.content().readableBytes() == 100;
            return Reply.status(ok ? 200 : 400);
        })) {
            Report r = TestRuns.run("http", "--url", server.url("/p"), "--requests", "20", "--connections", "2",
                "--method", "post", "--header", "X-Test: yes", "--body-size", "100");
            assertThat(r.number("status.2xx")).isEqualTo(20);
        }
    }

    @Test
    void http2WithPriorKnowledgeOverPlainHttp() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, true, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/h2c"), "--http2", "--streams", "8",
                "--requests", "300", "--connections", "2");
            assertThat(server.requests.get()).isEqualTo(300);
            assertThat(server.http2Requests.get()).isEqualTo(300);
            assertThat(server.connections.get()).isEqualTo(2);
            assertThat(r.number("status.2xx")).isEqualTo(300);
            assertThat(r.get("protocol")).isEqualTo("h2");
        }
    }

    @Test
    void http2OverTlsNegotiatedWithAlpn() throws Exception {
        try (TestHttpServer server = new TestHttpServer(certs.serverContext(), false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/h2"), "--http2", "--insecure",
                "--requests", "200", "--connections", "2");
            assertThat(server.http2Requests.get()).isEqualTo(200);
            assertThat(r.number("status.2xx")).isEqualTo(200);
            assertThat(r.number("handshakes")).isEqualTo(2);
        }
    }

    @Test
    void http1OverTls() throws Exception {
        try (TestHttpServer server = new TestHttpServer(certs.serverContext(), false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/tls"), "--insecure", "--requests", "100",
                "--connections", "3");
            assertThat(server.requests.get()).isEqualTo(100);
            assertThat(server.http2Requests.get()).isZero();
            assertThat(r.number("status.2xx")).isEqualTo(100);
        }
    }

    @Test
    void untrustedCertificateIsAConnectErrorWithoutInsecure() throws Exception {
        try (TestHttpServer server = new TestHttpServer(certs.serverContext(), false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--duration", "500ms", "--connections", "1");
            assertThat(server.requests.get()).isZero();
            assertThat(r.number("errors.connect")).isPositive();
        }
    }

    @Test
    void slowResponsesAreCountedAsTimeouts() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false,
            (req, seq) -> new Reply(200, Map.of(), seq % 2 == 0 ? 600 : 0))) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--requests", "6", "--connections", "1",
                "--timeout", "200ms");
            assertThat(r.number("errors.timeout")).isEqualTo(3);
            assertThat(r.number("status.2xx")).isEqualTo(3);
            assertThat(r.number("requests")).isEqualTo(6);
        }
    }

    @Test
    void refusedConnectionsAreConnectErrors() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Report r = TestRuns.run("http", "--url", "http://127.0.0.1:" + port + "/", "--duration", "500ms",
            "--connections", "2");
        assertThat(r.number("errors.connect")).isPositive();
        assertThat(r.number("requests")).isZero();
    }

    @Test
    void commandPrintsJsonReport() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = LoadMain.run(new String[] {"http", "--url", server.url("/"), "--requests", "50", "--json",
                "--quiet"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            String json = out.toString(StandardCharsets.UTF_8);
            assertThat(code).isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(json).startsWith("{\"scenario\":\"http\",\"url\":\"http://127.0.0.1:")
                .contains("\"requests\":50,", "\"throughput\":", "\"p50\":", "\"p90\":", "\"p99\":",
                    "\"p999\":", "\"max\":", "\"mean\":", "\"durationSeconds\":",
                    "\"status\":{\"2xx\":50,\"3xx\":0,\"4xx\":0,\"5xx\":0}",
                    "\"errors\":{\"connect\":0,\"timeout\":0,\"other\":0}")
                .endsWith("}" + System.lineSeparator());
        }
    }

    @Test
    void commandPrintsTableAndProgress() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = LoadMain.run(new String[] {"http", "--url", server.url("/"), "--duration", "1200ms",
                "--connections", "2", "--rate", "50"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("throughput", "p99", "status", "2xx");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("rps", "p99", "errors");
        }
    }

    @Test
    void commandRejectsBadArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadMain.run(new String[] {"http", "--url", "http://127.0.0.1:1/", "--duration", "10x"},
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad duration '10x'");
    }
}
