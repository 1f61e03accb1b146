package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.edgespot.loadtest.TestHttpServer.Reply;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class CacheMixScenarioTest {

    @Test
    void hitRatioMatchesTheHitsTheServerSent() throws Exception {
        AtomicLong hitsSent = new AtomicLong();
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> {
            int key = Integer.parseInt(req.uri().substring("/item/".length()));
            if (key <= 5) {
                hitsSent.incrementAndGet();
                return new Reply(200, Map.of("Cache-Status", "edgespot; hit"), 0);
            }
            return new Reply(200, Map.of("Cache-Status", "edgespot; fwd=uri-miss; stored"), 0);
        })) {
            Report r = TestRuns.run("cache-mix", "--url", server.url("/item/"), "--keys", "100", "--zipf-s", "1.0",
                "--requests", "1000", "--connections", "4");
            assertThat(server.requests.get()).isEqualTo(1000);
            assertThat(r.number("cacheHits")).isEqualTo(hitsSent.get());
            assertThat(r.number("cacheStatusResponses")).isEqualTo(1000);
            assertThat(r.number("hitRatio")).isCloseTo(hitsSent.get() / 1000.0, offset(1e-4));
            // Keys 1..5 carry about 44% of a Zipf(1.0) distribution over 100 keys.
            assertThat(r.number("hitRatio")).isBetween(0.35, 0.55);

            Map<String, Long> byPath = server.paths.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(byPath.keySet()).allMatch(p -> p.matches("/item/([1-9][0-9]?|100)"));
            long first = byPath.getOrDefault("/item/1", 0L);
            assertThat(byPath.values()).allMatch(n -> n <= first);
        }
    }

    @Test
    void responsesWithoutCacheStatusAreMisses() throws Exception {
        try (TestHttpServer server = new TestHttpServer(null, false, (req, seq) -> Reply.ok())) {
            Report r = TestRuns.run("cache-mix", "--url", server.url("/k/"), "--requests", "50", "--connections", "1");
            assertThat(r.number("hitRatio")).isZero();
            assertThat(r.number("cacheStatusResponses")).isZero();
        }
    }
}
