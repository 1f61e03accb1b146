package io.edgespot.loadtest.hitratio;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine's bounded cache (W-TinyLFU: an LRU admission window, a segmented-LRU main space and a CountMin-sketch
 * frequency filter between them, with the window size tuned by hill climbing), configured like the cache module's
 * tenant stores but with {@code executor(Runnable::run)}, so that maintenance and eviction run on the calling
 * thread at deterministic points of the trace.
 *
 * <p>One source of randomness remains inside Caffeine: a warm candidate that loses to an equally warm victim is
 * still admitted with probability 1/128 (its hash-flooding defence, drawn from {@code ThreadLocalRandom}); the
 * study seeds that generator per replay with {@link AdmissionSeed}.
 */
final class CaffeinePolicy implements CachePolicy {
    private final Cache<Integer, Integer> cache;

    private CaffeinePolicy(Cache<Integer, Integer> cache) {
        this.cache = cache;
    }

    /** Returns a cache holding at most {@code maxEntries} objects ({@code maximumSize}); weights are ignored. */
    static CaffeinePolicy entries(long maxEntries) {
        return new CaffeinePolicy(Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build());
    }

    /** Returns a cache of at most {@code maxWeight} total weight ({@code maximumWeight} with a weigher). */
    static CaffeinePolicy bytes(long maxWeight) {
        return new CaffeinePolicy(Caffeine.newBuilder().maximumWeight(maxWeight)
                .weigher((Integer key, Integer weight) -> weight).executor(Runnable::run).build());
    }

    @Override
    public boolean access(int key, int weight) {
        Integer k = key;
        if (cache.getIfPresent(k) != null) {
            return true;
        }
        cache.put(k, weight);
        return false;
    }

    /** Returns the number of objects held once pending maintenance has run. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
