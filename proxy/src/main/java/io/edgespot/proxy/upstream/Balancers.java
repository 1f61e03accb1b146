package io.edgespot.proxy.upstream;

import io.edgespot.proxy.config.EdgeConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The load-balancing policies: round robin, least-request, ring hash and Maglev. */
final class Balancers {

    private Balancers() {
    }

    static Balancer create(EdgeConfig.Balancer kind, List<EndpointState> endpoints) {
        return switch (kind) {
            case ROUND_ROBIN -> new RoundRobin();
            case LEAST_REQUEST -> new LeastRequest();
            case RING_HASH -> new RingHash(endpoints.size());
            case MAGLEV -> new Maglev(endpoints);
        };
    }

    /** Cycles through usable endpoints. */
    static final class RoundRobin implements Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public int pick(List<EndpointState> endpoints, boolean[] usable, String hashKey) {
            int n = endpoints.size();
            int start = Math.floorMod(next.getAndIncrement(), n);
            for (int i = 0; i < n; i++) {
                int idx = (start + i) % n;
                if (usable[idx]) {
                    return idx;
                }
            }
            return -1;
        }
    }

    /** Power of two choices: of two random usable endpoints, the one with fewer requests in flight. */
    static final class LeastRequest implements Balancer {
        @Override
        public int pick(List<EndpointState> endpoints, boolean[] usable, String hashKey) {
            int n = endpoints.size();
            int count = 0;
            for (boolean u : usable) {
                count += u ? 1 : 0;
            }
            if (count == 0) {
                return -1;
            }
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            int a = nthUsable(usable, rnd.nextInt(count));
            if (count == 1) {
                return a;
            }
            int b = nthUsable(usable, rnd.nextInt(count));
            return endpoints.get(b).activeRequests() < endpoints.get(a).activeRequests() ? b : a;
        }

        private static int nthUsable(boolean[] usable, int nth) {
            for (int i = 0, seen = 0; i < usable.length; i++) {
                if (usable[i] && seen++ == nth) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Consistent hashing on a ring of virtual nodes; an unusable endpoint's keys move to the next node. */
    static final class RingHash implements Balancer {
        private static final int VNODES = 160;
        private final long[] points;
        private final int[] owners;
        private final RoundRobin fallback = new RoundRobin();

        RingHash(int endpointCount) {
            long[][] pairs = new long[endpointCount * VNODES][];
            int k = 0;
            for (int e = 0; e < endpointCount; e++) {
                for (int v = 0; v < VNODES; v++) {
                    pairs[k++] = new long[] {hash64(e + "#" + v), e};
                }
            }
            Arrays.sort(pairs, (x, y) -> Long.compareUnsigned(x[0], y[0]));
            points = new long[pairs.length];
            owners = new int[pairs.length];
            for (int i = 0; i < pairs.length; i++) {
                points[i] = pairs[i][0];
                owners[i] = (int) pairs[i][1];
            }
        }

        @Override
        public int pick(List<EndpointState> endpoints, boolean[] usable, String hashKey) {
            if (hashKey == null) {
                return fallback.pick(endpoints, usable, null);
            }
            long h = hash64(hashKey);
            int lo = 0;
            int hi = points.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(points[mid], h) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            for (int i = 0; i < points.length; i++) {
                int owner = owners[(lo + i) % points.length];
                if (usable[owner]) {
                    return owner;
                }
            }
            return -1;
        }
    }

    /** Maglev hashing (Eisenbud et al., 2016): a lookup table with minimal disruption and even spread. */
    static final class Maglev implements Balancer {
        private static final int TABLE_SIZE = 65_537;
        private final int[] table;
        private final RoundRobin fallback = new RoundRobin();

        Maglev(List<EndpointState> endpoints) {
            int n = endpoints.size();
            int[] offset = new int[n];
            int[] skip = new int[n];
            for (int i = 0; i < n; i++) {
                String name = endpoints.get(i).endpoint().toString();
                offset[i] = (int) Long.remainderUnsigned(hash64(name), TABLE_SIZE);
                skip[i] = (int) Long.remainderUnsigned(hash64(name + "/skip"), TABLE_SIZE - 1) + 1;
            }
            table = new int[TABLE_SIZE];
            Arrays.fill(table, -1);
            int[] next = new int[n];
            int filled = 0;
            while (filled < TABLE_SIZE) {
                for (int i = 0; i < n && filled < TABLE_SIZE; i++) {
                    int c = (int) ((offset[i] + (long) next[i] * skip[i]) % TABLE_SIZE);
                    while (table[c] >= 0) {
                        next[i]++;
                        c = (int) ((offset[i] + (long) next[i] * skip[i]) % TABLE_SIZE);
                    }
                    table[c] = i;
                    next[i]++;
                    filled++;
                }
            }
        }

        @Override
        public int pick(List<EndpointState> endpoints, boolean[] usable, String hashKey) {
            if (hashKey == null) {
                return fallback.pick(endpoints, usable, null);
            }
            long h = hash64(hashKey);
            int slot = (int) Long.remainderUnsigned(h, TABLE_SIZE);
            // An unusable endpoint's slots are re-hashed deterministically, so affinity holds for the rest.
            for (int attempt = 0; attempt < 16; attempt++) {
                int owner = table[slot];
                if (usable[owner]) {
                    return owner;
                }
                h = mix(h + 0x9E3779B97F4A7C15L);
                slot = (int) Long.remainderUnsigned(h, TABLE_SIZE);
            }
            return fallback.pick(endpoints, usable, null);
        }
    }

    /** 64-bit FNV-1a followed by a finaliser; stable across JVMs, unlike String.hashCode. */
    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
