package io.edgespot.loadtest.hitratio;

import io.edgespot.loadtest.Zipf;
import java.util.SplittableRandom;

/**
 * A request stream for the simulation, generated deterministically from a seed.
 *
 * <p>Keys {@code 1..keySpace} are the Zipf population, rank 1 the most popular. Scan keys are numbered above the
 * population, each requested exactly once. Object sizes are fixed per key: log-normal with an 8 KiB median
 * ({@code sigma = 1.2}, mean about 16 KiB), clamped to [256 B, 2 MiB], drawn independently of popularity.
 *
 * @param keys the requested keys, in order
 * @param scan whether each request belongs to a scan (it can never hit)
 * @param keySpace the size of the Zipf population
 * @param sizes the size in bytes of every key, indexed by key ({@code sizes[0]} unused)
 */
record Trace(int[] keys, boolean[] scan, int keySpace, int[] sizes) {

    static final int MIN_SIZE = 256;
    static final int MAX_SIZE = 2 << 20;
    private static final double MEDIAN_SIZE = 8 * 1024;
    private static final double SIZE_SIGMA = 1.2;

    /** Returns {@code requests} Zipf({@code s}) draws over {@code keySpace} keys. */
    static Trace zipf(int keySpace, double s, int requests, long seed) {
        return scanPolluted(keySpace, s, requests, seed, 0, 0);
    }

    /**
     * Returns {@code requests} Zipf draws with, after every {@code scanEvery} of them, a scan of {@code scanLength}
     * keys that are requested once, in sequence, and never again (a crawler, a backup, a bulk export).
     * {@code scanEvery = 0} means no scans.
     */
    static Trace scanPolluted(int keySpace, double s, int requests, long seed, int scanEvery, int scanLength) {
        if (requests < 1 || scanEvery < 0 || scanLength < 0) {
            throw new IllegalArgumentException("need requests >= 1, scanEvery >= 0, scanLength >= 0");
        }
        int scans = scanEvery == 0 ? 0 : requests / scanEvery;
        long length = (long) requests + (long) scans * scanLength;
        if (length > Integer.MAX_VALUE - 8 || keySpace + (long) scans * scanLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("trace too long: " + length);
        }
        int[] keys = new int[(int) length];
        boolean[] scan = new boolean[(int) length];
        Zipf zipf = new Zipf(keySpace, s, seed);
        int nextScanKey = keySpace + 1;
        int i = 0;
        for (int r = 1; r <= requests; r++) {
            keys[i++] = zipf.next();
            if (scanEvery > 0 && r % scanEvery == 0) {
                for (int j = 0; j < scanLength; j++) {
                    scan[i] = true;
                    keys[i++] = nextScanKey++;
                }
            }
        }
        return new Trace(keys, scan, keySpace, sizes(nextScanKey - 1, seed));
    }

    private static int[] sizes(int maxKey, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        int[] sizes = new int[maxKey + 1];
        for (int k = 1; k <= maxKey; k++) {
            double size = MEDIAN_SIZE * Math.exp(SIZE_SIGMA * random.nextGaussian());
            sizes[k] = (int) Math.max(MIN_SIZE, Math.min(MAX_SIZE, Math.round(size)));
        }
        return sizes;
    }

    /** Returns the number of requests. */
    int length() {
        return keys.length;
    }

    /** Returns the total size of the Zipf population, the base for byte-bounded cache sizes. */
    long populationBytes() {
        long total = 0;
        for (int k = 1; k <= keySpace; k++) {
            total += sizes[k];
        }
        return total;
    }
}
