package io.edgespot.loadtest.hitratio;

/**
 * Replays a {@link Trace} through a {@link CachePolicy} and counts hits.
 *
 * <p>Only Zipf requests after the warm-up count: scan requests can never hit, so counting them would only scale the
 * ratio, and the first requests only fill the empty cache. Warm-up requests and scans still go through the cache.
 */
final class Simulation {
    private Simulation() {
    }

    /** What one replay counted. */
    record Result(long requests, long hits, long bytes, long hitBytes) {
        /** Returns hits / requests. */
        double hitRatio() {
            return requests == 0 ? 0 : (double) hits / requests;
        }

        /** Returns the bytes served from the cache / the bytes requested. */
        double byteHitRatio() {
            return bytes == 0 ? 0 : (double) hitBytes / bytes;
        }
    }

    /**
     * Replays the trace.
     *
     * @param trace the requests
     * @param policy the cache, empty
     * @param weighted pass object sizes as weights (for a byte-bounded cache), else weight 1
     * @param warmupRequests how many leading requests are not counted
     * @return the counts over the counted Zipf requests
     */
    static Result run(Trace trace, CachePolicy policy, boolean weighted, int warmupRequests) {
        int[] keys = trace.keys();
        boolean[] scan = trace.scan();
        int[] sizes = trace.sizes();
        long requests = 0;
        long hits = 0;
        long bytes = 0;
        long hitBytes = 0;
        for (int i = 0; i < keys.length; i++) {
            int key = keys[i];
            int size = sizes[key];
            boolean hit = policy.access(key, weighted ? size : 1);
            if (i >= warmupRequests && !scan[i]) {
                requests++;
                bytes += size;
                if (hit) {
                    hits++;
                    hitBytes += size;
                }
            }
        }
        return new Result(requests, hits, bytes, hitBytes);
    }
}
