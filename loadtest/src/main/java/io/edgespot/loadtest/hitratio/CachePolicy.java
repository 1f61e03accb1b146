package io.edgespot.loadtest.hitratio;

/**
 * A cache under simulation: each access either hits, or misses and admits the object.
 *
 * <p>Not thread-safe; a simulation drives one instance from one thread.
 */
interface CachePolicy {

    /**
     * Requests an object, admitting it on a miss.
     *
     * @param key the object
     * @param weight its size in the cache's unit (1 for an entry-bounded cache, bytes for a byte-bounded one)
     * @return whether it was in the cache
     */
    boolean access(int key, int weight);
}
