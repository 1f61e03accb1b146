package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ClientRequestRatesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ClientRequestRates rates = new ClientRequestRates(now::get);

    @Test
    void aBurstGoesThroughThenTheRateHolds() {
        // 10 a second, bursts of 2
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).isTrue();
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).isTrue();
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).as("past the burst").isFalse();
        advance(50);
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).as("half a token back").isFalse();
        advance(50);
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).as("one token back after 100 ms").isTrue();
        assertThat(rates.tryAcquire("198.51.100.1", 10, 2)).isFalse();
    }

    @Test
    void anIdleClientGetsNoMoreThanItsBurstBack() {
        assertThat(rates.tryAcquire("198.51.100.2", 10, 2)).isTrue();
        advance(60_000);
        assertThat(rates.tryAcquire("198.51.100.2", 10, 2)).isTrue();
        assertThat(rates.tryAcquire("198.51.100.2", 10, 2)).isTrue();
        assertThat(rates.tryAcquire("198.51.100.2", 10, 2)).as("a minute idle is still a burst of 2").isFalse();
    }

    @Test
    void clientsHaveTheirOwnBucketsAndNoBurstMeansOneSecondsWorth() {
        for (int i = 0; i < 5; i++) {
            assertThat(rates.tryAcquire("198.51.100.3", 5, 0)).isTrue();
        }
        assertThat(rates.tryAcquire("198.51.100.3", 5, 0)).as("the sixth within a second, at 5 a second").isFalse();
        assertThat(rates.tryAcquire("198.51.100.4", 5, 0)).as("another address").isTrue();
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
