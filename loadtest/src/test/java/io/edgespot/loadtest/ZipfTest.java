package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ZipfTest {

    private static int[] histogram(Zipf z, int draws) {
        int[] counts = new int[z.size() + 1];
        for (int i = 0; i < draws; i++) {
            counts[z.next()]++;
        }
        return counts;
    }

    @Test
    void rankOneIsMostFrequentAndFrequenciesFollowOneOverK() {
        int[] counts = histogram(new Zipf(1000, 1.0, 42), 200_000);
        for (int k = 2; k <= 1000; k++) {
            assertThat(counts[1]).isGreaterThan(counts[k]);
        }
        assertThat(counts[1]).isGreaterThan(counts[2]);
        assertThat(counts[2]).isGreaterThan(counts[4]);
        // P(1) / P(2) = 2 for s = 1.
        assertThat((double) counts[1] / counts[2]).isBetween(1.8, 2.2);
        assertThat(counts[0]).isZero();
    }

    @Test
    void sameSeedGivesSameSequenceAndOtherSeedsDiffer() {
        Zipf a = new Zipf(100, 1.2, 7);
        Zipf b = new Zipf(100, 1.2, 7);
        Zipf c = a.withSeed(8);
        int[] sa = new int[50];
        int[] sb = new int[50];
        int[] sc = new int[50];
        for (int i = 0; i < 50; i++) {
            sa[i] = a.next();
            sb[i] = b.next();
            sc[i] = c.next();
        }
        assertThat(sa).isEqualTo(sb);
        assertThat(sc).isNotEqualTo(sa);
        assertThat(new Zipf(100, 1.2, 7).withSeed(7).next()).isEqualTo(sa[0]);
    }

    @Test
    void exponentZeroIsUniformAndRanksStayInRange() {
        int[] counts = histogram(new Zipf(10, 0.0, 1), 100_000);
        for (int k = 1; k <= 10; k++) {
            assertThat(counts[k]).isBetween(9_000, 11_000);
        }
        assertThat(histogram(new Zipf(1, 2.0, 1), 100)[1]).isEqualTo(100);
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new Zipf(0, 1.0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Zipf(10, -1.0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
