package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.loadtest.TestHttpServer.Reply;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class OpenLoopTest {

    @Test
    void oneStalledResponseShowsInCorrectedLatencyButNotInServiceTime() throws Exception {
        // At 200 req/s on one connection, a 500 ms stall holds up ~100 requests that were due meanwhile. Measured
        // from their intended start they wait up to 500 ms; measured from when they were written they do not.
        try (TestHttpServer server = new TestHttpServer(null, false,
            (req, seq) -> new Reply(200, Map.of(), seq == 100 ? 500 : 0))) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--rate", "200", "--duration", "2s",
                "--connections", "1");
            assertThat(r.get("mode")).isEqualTo("open");
            assertThat(r.number("status.2xx")).isBetween(380.0, 401.0);
            assertThat(r.number("p99")).isGreaterThanOrEqualTo(400.0);
            assertThat(r.number("max")).isGreaterThanOrEqualTo(490.0);
            assertThat(r.number("p90")).isGreaterThan(5.0);
            assertThat(r.number("uncorrected.p99")).isLessThan(100.0);
            assertThat(r.number("uncorrected.max")).isGreaterThanOrEqualTo(490.0);
        }
    }

    @Test
    void openLoopSendsExactlyTheRequestedNumberAtTheRate() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--rate", "1000", "--requests", "300",
                "--connections", "4");
            assertThat(server.requests.get()).isEqualTo(300);
            assertThat(r.number("requests")).isEqualTo(300);
            // 300 requests at 1000/s are spread over ~0.3 s, not sent in one burst.
            assertThat(r.number("durationSeconds")).isBetween(0.28, 2.0);
            assertThat(r.number("queueOverflow")).isZero();
        }
    }

    @Test
    void openLoopOverHttp2() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, true, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--http2", "--rate", "500", "--requests",
                "200", "--connections", "2");
            assertThat(server.http2Requests.get()).isEqualTo(200);
            assertThat(r.number("status.2xx")).isEqualTo(200);
        }
    }

    @Test
    void warmupRequestsAreNotMeasured() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("http", "--url", server.url("/"), "--rate", "100", "--warmup", "500ms",
                "--requests", "50", "--connections", "1");
            assertThat(r.number("requests")).isEqualTo(50);
            assertThat(server.requests.get()).isGreaterThanOrEqualTo(90);
        }
    }
}
