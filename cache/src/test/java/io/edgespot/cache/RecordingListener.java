package io.edgespot.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts listener events per {@code event:tenant}. */
final class RecordingListener implements CacheListener {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    long count(String event, String tenant) {
        AtomicLong count = counts.get(event + ":" + tenant);
        return count == null ? 0 : count.get();
    }

    private void add(String event, String tenant, long n) {
        counts.computeIfAbsent(event + ":" + tenant, k -> new AtomicLong()).addAndGet(n);
    }

    @Override
    public void hit(String tenant) {
        add("hit", tenant, 1);
    }

    @Override
    public void miss(String tenant) {
        add("miss", tenant, 1);
    }

    @Override
    public void stale(String tenant) {
        add("stale", tenant, 1);
    }

    @Override
    public void revalidated(String tenant) {
        add("revalidated", tenant, 1);
    }

    @Override
    public void coalesced(String tenant) {
        add("coalesced", tenant, 1);
    }

    @Override
    public void bypass(String tenant) {
        add("bypass", tenant, 1);
    }

    @Override
    public void stored(String tenant, long bytes) {
        add("stored", tenant, 1);
    }

    @Override
    public void evicted(String tenant, long bytes) {
        add("evicted", tenant, 1);
    }

    @Override
    public void purged(String tenant, long count) {
        add("purged", tenant, count);
    }

    @Override
    public void decryptFailed(String tenant) {
        add("decryptFailed", tenant, 1);
    }
}
