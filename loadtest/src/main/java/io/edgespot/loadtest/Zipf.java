package io.edgespot.loadtest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 1..n with probability proportional to {@code 1 / rank^s}, deterministically for a given seed.
 *
 * <p>The cumulative distribution is computed once and shared by {@link #withSeed} copies, so each connection can
 * have its own sampler (samplers are not thread-safe) without copying a table per connection.
 */
public final class Zipf {

    private final double[] cdf;
    private final SplittableRandom random;

    /**
     * Creates a sampler.
     *
     * @param n the number of ranks, at least 1
     * @param s the exponent, 0 for uniform
     * @param seed the seed; equal seeds give equal sequences
     */
    public Zipf(int n, double s, long seed) {
        if (n < 1 || s < 0 || Double.isNaN(s)) {
            throw new IllegalArgumentException("need n >= 1 and s >= 0, got n=" + n + " s=" + s);
        }
        double[] c = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / Math.pow(k, s);
            c[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        c[n - 1] = 1.0;
        this.cdf = c;
        this.random = new SplittableRandom(seed);
    }

    private Zipf(double[] cdf, long seed) {
        this.cdf = cdf;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Returns a sampler over the same distribution with another seed.
     *
     * @param seed the seed
     * @return a new sampler sharing this one's table
     */
    public Zipf withSeed(long seed) {
        return new Zipf(cdf, seed);
    }

    /** @return the number of ranks */
    public int size() {
        return cdf.length;
    }

    /** @return the next rank, from 1 (most frequent) to {@link #size()} */
    public int next() {
        double u = random.nextDouble();
        int i = Arrays.binarySearch(cdf, u);
        // binarySearch gives -(insertion point) - 1 on a miss: the first index whose cumulative mass exceeds u.
        return (i >= 0 ? i : -i - 1) + 1;
    }
}
