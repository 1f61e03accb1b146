package io.edgespot.proxy.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * A token bucket per client address, for {@code limits.maxRequestsPerSecondPerClient}: a client may send that many
 * requests a second on average and its burst at once; past that it is answered 429 until tokens come back.
 * Shared by the instance's event loops.
 *
 * <p>The table is bounded: at most {@link #MAX_CLIENTS} addresses, and a bucket untouched for a minute is dropped
 * (it would be full again by then at any rate of one a minute or more). A client whose bucket is evicted starts
 * over with a full one, so the bound can only make the limiter more lenient, never refuse a client wrongly.
 */
final class ClientRequestRates {

    private static final int MAX_CLIENTS = 100_000;

    private final Ticker ticker;
    private final Cache<String, Bucket> buckets;

    ClientRequestRates(Ticker ticker) {
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(Duration.ofMinutes(1))
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Takes a token for one request of {@code client}.
     *
     * @param perSecond the refill rate, above 0
     * @param burst     the bucket's size; 0 for {@code perSecond}
     * @return whether the request may go on
     */
    boolean tryAcquire(String client, int perSecond, int burst) {
        double size = burst > 0 ? burst : perSecond;
        long now = ticker.read();
        return buckets.get(client, k -> new Bucket(size, now)).take(now, perSecond, size);
    }

    private static final class Bucket {
        private double tokens;
        private long refilled;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilled = now;
        }

        synchronized boolean take(long now, double perSecond, double size) {
            tokens = Math.min(size, tokens + (now - refilled) * perSecond / 1e9);
            refilled = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
