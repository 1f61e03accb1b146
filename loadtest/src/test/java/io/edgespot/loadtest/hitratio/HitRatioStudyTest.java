package io.edgespot.loadtest.hitratio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

final class HitRatioStudyTest {

    @Test
    void lruEvictsTheLeastRecentlyUsedEntry() {
        LruPolicy lru = LruPolicy.entries(2);
        assertThat(lru.access(1, 1)).isFalse();
        assertThat(lru.access(2, 1)).isFalse();
        assertThat(lru.access(1, 1)).isTrue(); // 2 is now the eldest
        assertThat(lru.access(3, 1)).isFalse(); // evicts 2
        assertThat(lru.access(1, 1)).isTrue();
        assertThat(lru.access(2, 1)).isFalse();
        assertThat(lru.size()).isEqualTo(2);
    }

    @Test
    void byteBoundedLruEvictsUntilTheTotalFitsAndKeepsNothingLargerThanItself() {
        LruPolicy lru = LruPolicy.bytes(100);
        lru.access(1, 40);
        lru.access(2, 40);
        lru.access(3, 40); // 120 > 100: evicts 1
        assertThat(lru.weight()).isEqualTo(80);
        assertThat(lru.access(2, 40)).isTrue();
        assertThat(lru.access(1, 40)).isFalse(); // evicts 3, the eldest now
        assertThat(lru.access(3, 40)).isFalse();
        lru.access(4, 500);
        assertThat(lru.weight()).isZero();
        assertThat(lru.size()).isZero();
    }

    @Test
    void caffeineStaysWithinItsBound() {
        CaffeinePolicy caffeine = CaffeinePolicy.entries(100);
        for (int key = 1; key <= 10_000; key++) {
            caffeine.access(key, 1);
        }
        assertThat(caffeine.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void tracesAreReproducibleAndScansAreOneOff() {
        Trace a = Trace.scanPolluted(1000, 0.9, 10_000, 7, 2_000, 300);
        Trace b = Trace.scanPolluted(1000, 0.9, 10_000, 7, 2_000, 300);
        assertThat(a.keys()).isEqualTo(b.keys());
        assertThat(a.sizes()).isEqualTo(b.sizes());
        assertThat(a.length()).isEqualTo(10_000 + 5 * 300);
        int scanRequests = 0;
        Set<Integer> scanKeys = new HashSet<>();
        for (int i = 0; i < a.length(); i++) {
            int key = a.keys()[i];
            if (a.scan()[i]) {
                scanRequests++;
                assertThat(key).isGreaterThan(1000);
                assertThat(scanKeys.add(key)).as("scan key requested twice").isTrue();
            } else {
                assertThat(key).isBetween(1, 1000);
            }
        }
        assertThat(scanRequests).isEqualTo(1500);
        for (int k = 1; k < a.sizes().length; k++) {
            assertThat(a.sizes()[k]).isBetween(Trace.MIN_SIZE, Trace.MAX_SIZE);
        }
        assertThat(Trace.zipf(1000, 0.9, 10_000, 8).keys()).isNotEqualTo(a.keys());
    }

    @Test
    void simulationCountsOnlyZipfRequestsAfterTheWarmUp() {
        Trace trace = Trace.scanPolluted(10, 1.0, 1000, 1, 100, 50);
        Simulation.Result result = Simulation.run(trace, LruPolicy.entries(1000), false, 0);
        assertThat(result.requests()).isEqualTo(1000);
        // A cache holding the whole population misses each key once.
        assertThat(result.hits()).isGreaterThanOrEqualTo(990);
        Simulation.Result late = Simulation.run(trace, LruPolicy.entries(1000), false, trace.length() / 2);
        assertThat(late.requests()).isLessThan(1000);
        assertThat(late.hitRatio()).isEqualTo(1.0);
    }

    @Test
    void topNBoundIsTheMassOfTheMostPopularKeys() {
        assertThat(HitRatioStudy.topNBound(100, 0.0, 10)).isCloseTo(0.10, offset(1e-12));
        assertThat(HitRatioStudy.topNBound(100, 1.0, 100)).isCloseTo(1.0, offset(1e-12));
        assertThat(HitRatioStudy.topNBound(100, 1.2, 10)).isGreaterThan(HitRatioStudy.topNBound(100, 0.6, 10));
    }

    @Test
    void caffeineKeepsTheHotSetThroughScansThatFlushLru() {
        Trace trace = Trace.scanPolluted(2_000, 0.9, 40_000, 3, 5_000, 1_000);
        int warmup = trace.length() / 10;
        AdmissionSeed.seed(3);
        double caffeine = Simulation.run(trace, CaffeinePolicy.entries(200), false, warmup).hitRatio();
        double lru = Simulation.run(trace, LruPolicy.entries(200), false, warmup).hitRatio();
        assertThat(caffeine).isGreaterThan(lru + 0.05);
    }

    @Test
    void studyPrintsThreeTablesOfTwelveRows() {
        String out = render(new HitRatioStudy.Params(1_000, 10_000, 3, 2_500, 500, 1), HitRatioStudy::run);
        assertThat(out).doesNotContain("WARNING");
        assertThat(out).contains("### Entry-bounded cache, Zipf stream", "with scans", "### Byte-bounded cache");
        assertThat(out.lines().filter(line -> line.startsWith("| 0.") || line.startsWith("| 1.")).count())
                .isEqualTo(36);
    }

    @Test
    void caffeineReplaysAreIdenticalOnEveryRun() {
        // The scan table is where Caffeine's seeded admission draws matter most.
        HitRatioStudy.Params params = new HitRatioStudy.Params(2_000, 40_000, 3, 5_000, 1_000, 2);
        String first = render(params, HitRatioStudy::scans);
        assertThat(render(params, HitRatioStudy::scans)).isEqualTo(first);
    }

    @Test
    void rejectsBadFlags() {
        assertThat(HitRatioStudy.parse(new String[] {"--keys", "500", "--runs", "1"}))
                .isEqualTo(new HitRatioStudy.Params(500, 2_000_000, 42, 50_000, 20_000, 1));
        assertThatThrownBy(() -> HitRatioStudy.parse(new String[] {"--keys"}))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> HitRatioStudy.parse(new String[] {"--size", "1"}))
                .hasMessageContaining("unknown flag");
        assertThatThrownBy(() -> HitRatioStudy.parse(new String[] {"--runs", "0"}))
                .hasMessageContaining("--runs >= 1");
    }

    private static String render(HitRatioStudy.Params params, BiConsumer<HitRatioStudy.Params, PrintStream> study) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        study.accept(params, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
