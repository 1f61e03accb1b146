package io.edgespot.loadtest.hitratio;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Compares the hit ratio of Caffeine's W-TinyLFU, which the cache module's tenant stores use, with a plain LRU on
 * Zipf-distributed request streams; prints Markdown tables.
 *
 * <p>Three studies, each over Zipf skews {@code s} of 0.6, 0.8, 1.0 and 1.2 and caches of 1 %, 5 % and 10 % of the
 * population:
 * <ol>
 *   <li><b>entries</b>: an entry-bounded cache ({@code maximumSize} against {@code removeEldestEntry}), with the
 *       hit ratio of a cache that always holds exactly the most popular keys (the best a cache of that many
 *       entries can expect on independent Zipf draws without knowing the future) as a bound;</li>
 *   <li><b>scans</b>: the same, with the Zipf stream interrupted every {@code scanEvery} requests by a one-off
 *       sequential scan of {@code scanLength} keys; hit ratios count the Zipf requests only;</li>
 *   <li><b>bytes</b>: a byte-bounded cache ({@code maximumWeight} with a weigher, as in the cache module, against
 *       an LRU that evicts eldest entries until the total fits) over objects of log-normal sizes; request and byte
 *       hit ratios.</li>
 * </ol>
 *
 * <p>Every stream comes from fixed seeds, Caffeine runs its maintenance on the calling thread
 * ({@code executor(Runnable::run)}), and the one random draw inside Caffeine's admission is seeded per replay
 * ({@link AdmissionSeed}), so the output is the same on every run and machine. Because that draw alone moves some
 * hit ratios by more than a point, each Caffeine cell is the median of {@code --runs} replays with different
 * admission seeds, with their range. The first 10 % of each stream warms the cache and is not counted. Run time
 * goes to standard error only.
 *
 * <p>Usage: {@code HitRatioStudy [--keys N] [--requests N] [--seed N] [--scan-every N] [--scan-length N]
 * [--runs N]}.
 */
public final class HitRatioStudy {
    static final double[] SKEWS = {0.6, 0.8, 1.0, 1.2};
    static final double[] CACHE_FRACTIONS = {0.01, 0.05, 0.10};
    static final double WARMUP_FRACTION = 0.10;

    /** The study's parameters; {@code runs} is the number of Caffeine replays, one per admission seed. */
    record Params(int keys, int requests, long seed, int scanEvery, int scanLength, int runs) {
        static final Params DEFAULT = new Params(100_000, 2_000_000, 42, 50_000, 20_000, 3);
    }

    private HitRatioStudy() {
    }

    /**
     * Runs the study and prints its tables.
     *
     * @param argv {@code --keys N --requests N --seed N --scan-every N --scan-length N --runs N}, all optional
     */
    public static void main(String[] argv) {
        Params params;
        try {
            params = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("HitRatioStudy: " + e.getMessage());
            System.err.println("usage: HitRatioStudy [--keys N] [--requests N] [--seed N] [--scan-every N]"
                    + " [--scan-length N] [--runs N]");
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        run(params, System.out);
        System.out.flush();
        System.err.printf(Locale.ROOT, "HitRatioStudy: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    static Params parse(String[] argv) {
        Params p = Params.DEFAULT;
        int keys = p.keys();
        int requests = p.requests();
        long seed = p.seed();
        int scanEvery = p.scanEvery();
        int scanLength = p.scanLength();
        int runs = p.runs();
        for (int i = 0; i < argv.length; i++) {
            String flag = argv[i];
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = argv[++i];
            try {
                switch (flag) {
                    case "--keys" -> keys = Integer.parseInt(value);
                    case "--requests" -> requests = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--scan-every" -> scanEvery = Integer.parseInt(value);
                    case "--scan-length" -> scanLength = Integer.parseInt(value);
                    case "--runs" -> runs = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": not a number: " + value);
            }
        }
        if (keys < 100 || requests < 1000 || scanEvery < 1 || scanLength < 1 || runs < 1) {
            throw new IllegalArgumentException("need --keys >= 100, --requests >= 1000, --scan-every >= 1,"
                    + " --scan-length >= 1 and --runs >= 1");
        }
        return new Params(keys, requests, seed, scanEvery, scanLength, runs);
    }

    /** Runs all three studies and prints them to {@code out}. */
    static void run(Params p, PrintStream out) {
        out.printf(Locale.ROOT, "Population %,d keys; %,d Zipf requests per stream; seed %d; the first %d %% of "
                + "each stream warms the cache and is not counted. Caffeine: median of %d replays with admission "
                + "seeds %d..%d, with (min–max).%n", p.keys(), p.requests(), p.seed(),
                Math.round(WARMUP_FRACTION * 100), p.runs(), p.seed(), p.seed() + p.runs() - 1);
        if (!AdmissionSeed.seed(p.seed())) {
            out.println("WARNING: this JDK refused to seed ThreadLocalRandom, so Caffeine's admission draws are "
                    + "unseeded and its columns may differ between runs.");
        }
        out.println();
        entries(p, out);
        scans(p, out);
        bytes(p, out);
    }

    static void entries(Params p, PrintStream out) {
        out.println("### Entry-bounded cache, Zipf stream");
        out.println();
        out.println("| s | cache | entries | top-N bound | LRU | Caffeine (min–max) | Caffeine − LRU |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (double s : SKEWS) {
            Trace trace = Trace.zipf(p.keys(), s, p.requests(), p.seed());
            for (double fraction : CACHE_FRACTIONS) {
                long size = Math.max(1, Math.round(p.keys() * fraction));
                double lru = replay(trace, LruPolicy.entries(size), false).hitRatio();
                double[] caffeine = caffeine(p, trace, () -> CaffeinePolicy.entries(size), false,
                        Simulation.Result::hitRatio);
                out.printf(Locale.ROOT, "| %.1f | %s | %,d | %s | %s | %s | %s |%n", s, percent0(fraction), size,
                        percent(topNBound(p.keys(), s, size)), percent(lru), withRange(caffeine),
                        points(median(caffeine) - lru));
            }
        }
        out.println();
    }

    static void scans(Params p, PrintStream out) {
        out.printf(Locale.ROOT, "### Entry-bounded cache, Zipf stream with scans: %,d one-off keys after every "
                + "%,d Zipf requests (hit ratio of the Zipf requests)%n%n", p.scanLength(), p.scanEvery());
        out.println("| s | cache | entries | top-N bound | LRU | Caffeine (min–max) | Caffeine − LRU |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (double s : SKEWS) {
            Trace trace = Trace.scanPolluted(p.keys(), s, p.requests(), p.seed(), p.scanEvery(), p.scanLength());
            for (double fraction : CACHE_FRACTIONS) {
                long size = Math.max(1, Math.round(p.keys() * fraction));
                double lru = replay(trace, LruPolicy.entries(size), false).hitRatio();
                double[] caffeine = caffeine(p, trace, () -> CaffeinePolicy.entries(size), false,
                        Simulation.Result::hitRatio);
                out.printf(Locale.ROOT, "| %.1f | %s | %,d | %s | %s | %s | %s |%n", s, percent0(fraction), size,
                        percent(topNBound(p.keys(), s, size)), percent(lru), withRange(caffeine),
                        points(median(caffeine) - lru));
            }
        }
        out.println();
    }

    static void bytes(Params p, PrintStream out) {
        Trace first = Trace.zipf(p.keys(), SKEWS[0], p.requests(), p.seed());
        long population = first.populationBytes();
        out.printf(Locale.ROOT, "### Byte-bounded cache, Zipf stream, log-normal object sizes (median 8 KiB, "
                + "population %s)%n%n", mebibytes(population));
        out.println("| s | cache | bytes | LRU hits | Caffeine hits (min–max) | LRU byte hits |"
                + " Caffeine byte hits (min–max) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (double s : SKEWS) {
            Trace trace = s == SKEWS[0] ? first : Trace.zipf(p.keys(), s, p.requests(), p.seed());
            for (double fraction : CACHE_FRACTIONS) {
                long size = Math.max(1, Math.round(population * fraction));
                Simulation.Result lru = replay(trace, LruPolicy.bytes(size), true);
                Simulation.Result[] caffeine = new Simulation.Result[p.runs()];
                for (int run = 0; run < p.runs(); run++) {
                    AdmissionSeed.seed(p.seed() + run);
                    caffeine[run] = replay(trace, CaffeinePolicy.bytes(size), true);
                }
                out.printf(Locale.ROOT, "| %.1f | %s | %s | %s | %s | %s | %s |%n", s, percent0(fraction),
                        mebibytes(size), percent(lru.hitRatio()),
                        withRange(ratios(caffeine, Simulation.Result::hitRatio)), percent(lru.byteHitRatio()),
                        withRange(ratios(caffeine, Simulation.Result::byteHitRatio)));
            }
        }
        out.println();
    }

    private static Simulation.Result replay(Trace trace, CachePolicy policy, boolean weighted) {
        return Simulation.run(trace, policy, weighted, (int) (trace.length() * WARMUP_FRACTION));
    }

    /** Replays the trace through {@code runs} fresh Caffeine caches, admission seeds {@code seed..}. */
    private static double[] caffeine(Params p, Trace trace, Supplier<CaffeinePolicy> policy, boolean weighted,
                                     ToDoubleFunction<Simulation.Result> metric) {
        Simulation.Result[] results = new Simulation.Result[p.runs()];
        for (int run = 0; run < p.runs(); run++) {
            AdmissionSeed.seed(p.seed() + run);
            results[run] = replay(trace, policy.get(), weighted);
        }
        return ratios(results, metric);
    }

    private static double[] ratios(Simulation.Result[] results, ToDoubleFunction<Simulation.Result> metric) {
        double[] values = new double[results.length];
        for (int i = 0; i < results.length; i++) {
            values[i] = metric.applyAsDouble(results[i]);
        }
        return values;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Formats the median, and the min–max range when there is more than one value. */
    private static String withRange(double[] values) {
        if (values.length == 1) {
            return percent(values[0]);
        }
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        return String.format(Locale.ROOT, "%.1f %% (%.1f–%.1f)", median(values) * 100, min * 100, max * 100);
    }

    /**
     * Returns the probability mass of the {@code n} most popular of {@code keys} Zipf({@code s}) keys: the hit
     * ratio of a cache that always holds exactly them, the best an {@code n}-entry cache that cannot see the future
     * can expect when requests are independent draws.
     */
    static double topNBound(int keys, double s, long n) {
        double top = 0;
        double all = 0;
        for (int k = 1; k <= keys; k++) {
            double p = 1.0 / Math.pow(k, s);
            all += p;
            if (k <= n) {
                top += p;
            }
        }
        return top / all;
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    private static String percent0(double ratio) {
        return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }

    private static String points(double delta) {
        return String.format(Locale.ROOT, "%+.1f pp", delta * 100);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
