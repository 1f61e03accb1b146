package io.edgespot.cache;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Builds an {@link HttpCache}; every collaborator is injected so tests can use a fake clock and a same-thread
 * executor. Arguments are checked when set, so configuration mistakes fail at startup.
 */
public final class HttpCacheBuilder {
    /** The default plaintext size of a sealed body segment. */
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
    /** The default cache name, in {@code Cache-Status} and as the {@code Surrogate-Control} device token. */
    public static final String DEFAULT_NAME = "edgespot";

    private CacheClock clock = CacheClock.system();
    private Executor executor = ForkJoinPool.commonPool();
    private Scheduler scheduler = Scheduler.systemScheduler();
    private CacheListener listener = CacheListener.NONE;
    private String name = DEFAULT_NAME;
    private int segmentSize = DEFAULT_SEGMENT_SIZE;

    HttpCacheBuilder() {
    }

    /** Sets the wall clock used for every freshness decision. */
    public HttpCacheBuilder clock(CacheClock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** Sets the executor for Caffeine maintenance and for completing coalesced waiters. */
    public HttpCacheBuilder executor(Executor value) {
        this.executor = Objects.requireNonNull(value, "executor");
        return this;
    }

    /** Sets the scheduler that times out coalesced waiters. */
    public HttpCacheBuilder scheduler(Scheduler value) {
        this.scheduler = Objects.requireNonNull(value, "scheduler");
        return this;
    }

    /** Sets the metrics listener. */
    public HttpCacheBuilder listener(CacheListener value) {
        this.listener = Objects.requireNonNull(value, "listener");
        return this;
    }

    /** Sets the cache name used in {@code Cache-Status}; it must be an RFC 8941 token. */
    public HttpCacheBuilder name(String value) {
        Objects.requireNonNull(value, "name");
        if (!value.matches("[A-Za-z*][A-Za-z0-9:/!#$%&'*+\\-.^_`|~]*")) {
            throw new IllegalArgumentException("name must be a structured-field token: " + value);
        }
        this.name = value;
        return this;
    }

    /** Sets the plaintext size of sealed body segments, between 1 KiB and 16 MiB. */
    public HttpCacheBuilder segmentSize(int value) {
        if (value < 1024 || value > 16 << 20) {
            throw new IllegalArgumentException("segmentSize must be in [1024, 16777216]: " + value);
        }
        this.segmentSize = value;
        return this;
    }

    /** Returns the cache; tenants are added with {@link HttpCache#registerTenant}. */
    public HttpCache build() {
        return new DefaultHttpCache(new CacheContext(new ConcurrentHashMap<>(), clock, executor, scheduler, listener,
                name, segmentSize));
    }
}
