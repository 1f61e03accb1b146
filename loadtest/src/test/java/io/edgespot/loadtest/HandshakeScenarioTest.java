package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.loadtest.TestHttpServer.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HandshakeScenarioTest {

    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void certs() throws Exception {
        certs = TestCerts.generate(dir);
    }

    @Test
    void everyRequestOpensANewTlsConnection() throws Exception {
        try (TestHttpServer server = new TestHttpServer(certs.serverContext(), false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("handshake", "--url", server.url("/"), "--insecure", "--requests", "40",
                "--connections", "2");
            assertThat(server.connections.get()).isEqualTo(40);
            assertThat(server.requests.get()).isEqualTo(40);
            assertThat(r.number("requests")).isEqualTo(40);
            assertThat(r.number("status.2xx")).isEqualTo(40);
            assertThat(r.number("handshakes")).isEqualTo(40);
            assertThat(r.number("handshakesPerSecond")).isPositive();
            assertThat(r.number("handshakeLatency.p50")).isPositive();
            assertThat(r.get("resume")).isEqualTo(false);
            assertThat(r.number("resumedHandshakes")).isZero();
        }
    }

    @Test
    void resumedSessionsStillUseOneConnectionPerRequest() throws Exception {
        try (TestHttpServer server = new TestHttpServer(certs.serverContext(), false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("handshake", "--url", server.url("/"), "--insecure", "--resume",
                "--rate", "100", "--requests", "30", "--connections", "1");
            assertThat(server.connections.get()).isEqualTo(30);
            assertThat(r.number("status.2xx")).isEqualTo(30);
            assertThat(r.get("resume")).isEqualTo(true);
            // One connection at a time, so each handshake starts after the previous one received its
            // session ticket; with two in parallel, a busy machine let several start before it.
            assertThat(r.number("resumedHandshakes")).isGreaterThanOrEqualTo(20);
        }
    }
}
