package io.edgespot.loadtest.hitratio;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain LRU: a {@link LinkedHashMap} in access order.
 *
 * <p>{@link #entries} bounds the number of objects with the textbook {@code removeEldestEntry} hook.
 * {@link #bytes} bounds their total weight: after an admission it evicts eldest entries until the total fits, so an
 * object larger than the whole cache is not kept.
 */
final class LruPolicy implements CachePolicy {
    private final long capacity;
    private final boolean weighted;
    private final LinkedHashMap<Integer, Integer> map;
    private long total;

    private LruPolicy(long capacity, boolean weighted) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.weighted = weighted;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                return !LruPolicy.this.weighted && size() > LruPolicy.this.capacity;
            }
        };
    }

    /** Returns an LRU holding at most {@code maxEntries} objects; weights are ignored. */
    static LruPolicy entries(long maxEntries) {
        return new LruPolicy(maxEntries, false);
    }

    /** Returns an LRU holding objects of at most {@code maxWeight} total weight. */
    static LruPolicy bytes(long maxWeight) {
        return new LruPolicy(maxWeight, true);
    }

    @Override
    public boolean access(int key, int weight) {
        if (map.get(key) != null) {
            return true;
        }
        map.put(key, weight);
        if (weighted) {
            total += weight;
            Iterator<Integer> eldest = map.values().iterator();
            while (total > capacity && eldest.hasNext()) {
                total -= eldest.next();
                eldest.remove();
            }
        }
        return false;
    }

    /** Returns the number of objects held. */
    int size() {
        return map.size();
    }

    /** Returns the total weight held (the object count for {@link #entries}). */
    long weight() {
        return weighted ? total : map.size();
    }
}
