package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WsStormScenarioTest {

    @TempDir
    Path dir;

    @Test
    void opensAllSocketsAndVerifiesEchoes() throws Exception {
        try (TestWsServer server = new TestWsServer(null, false)) {
            Report r = TestRuns.run("ws-storm", "--url", server.url(), "--connections", "20", "--rate", "200",
                "--duration", "1500ms", "--interval", "200ms");
            assertThat(server.sockets).hasSize(20);
            assertThat(r.number("opened")).isEqualTo(20);
            assertThat(r.number("failed")).isZero();
            assertThat(r.number("echoes")).isGreaterThanOrEqualTo(60);
            assertThat(r.number("echoMismatches")).isZero();
            assertThat(r.number("messagesSent")).isGreaterThanOrEqualTo(r.number("echoes"));
            assertThat(server.messages.get()).isGreaterThanOrEqualTo((long) r.number("echoes"));
            assertThat(r.number("p50")).isPositive();
            assertThat(r.number("echoLatency.p99")).isPositive();
            assertThat(r.number("closedByServer")).isZero();
        }
    }

    @Test
    void wrongEchoesAreCountedAsMismatches() throws Exception {
        try (TestWsServer server = new TestWsServer(null, true)) {
            Report r = TestRuns.run("ws-storm", "--url", server.url(), "--connections", "3", "--duration", "1s",
                "--interval", "100ms");
            assertThat(r.number("echoMismatches")).isPositive();
            assertThat(r.number("echoes")).isZero();
        }
    }

    @Test
    void worksOverTls() throws Exception {
        try (TestWsServer server = new TestWsServer(TestCerts.generate(dir).plainServerContext(), false)) {
            Report r = TestRuns.run("ws-storm", "--url", server.url(), "--insecure", "--connections", "5",
                "--duration", "1s", "--interval", "200ms");
            assertThat(r.number("opened")).isEqualTo(5);
            assertThat(r.number("echoes")).isPositive();
            assertThat(r.number("echoMismatches")).isZero();
        }
    }

    @Test
    void watchClosesReportsTheServersCloseSpread() throws Exception {
        try (TestWsServer server = new TestWsServer(null, false)) {
            CompletableFuture<Report> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return TestRuns.run("ws-storm", "--url", server.url(), "--connections", "10", "--rate", "100",
                        "--duration", "8s", "--interval", "500ms", "--watch-closes");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.sockets.size() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.sockets).hasSize(10);
            // Closes at 0, 150, ..., 1350 ms after the first one.
            server.closeAllSpread(1001, 150);
            Report r = run.get(10, TimeUnit.SECONDS);

            assertThat(r.number("closedByServer")).isEqualTo(10);
            assertThat(r.number("durationSeconds")).isLessThan(6.0);
            @SuppressWarnings("unchecked")
            Map<String, Object> closes = (Map<String, Object>) r.get("closes");
            assertThat(closes.get("count")).isEqualTo(10);
            assertThat(closes.get("codes")).isEqualTo(Map.of("1001", 10L));
            assertThat(r.number("closes.spreadMs.min")).isZero();
            assertThat(r.number("closes.spreadMs.max")).isBetween(1250.0, 1550.0);
            assertThat(r.number("closes.spreadMs.p50")).isBetween(500.0, 800.0);
            @SuppressWarnings("unchecked")
            List<Object> perSecond = (List<Object>) closes.get("perSecond");
            assertThat(perSecond).hasSize(2);
            assertThat((Long) perSecond.get(0) + (Long) perSecond.get(1)).isEqualTo(10);
            assertThat((Long) perSecond.get(0)).isBetween(6L, 8L);
        }
    }
}
