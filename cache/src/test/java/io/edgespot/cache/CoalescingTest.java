package io.edgespot.cache;

import static io.edgespot.cache.CacheFixture.body;
import static io.edgespot.cache.CacheFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Request coalescing: concurrent misses on one key make one origin fetch. */
final class CoalescingTest {

    private static List<LookupResult> lookups(CacheFixture f, int n) {
        List<LookupResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(f.cache.lookup(get("/c")));
        }
        return results;
    }

    private static List<CompletableFuture<LookupResult>> waiters(List<LookupResult> results) {
        return results.stream().filter(LookupResult.Coalesced.class::isInstance)
                .map(r -> ((LookupResult.Coalesced) r).result()).toList();
    }

    @Test
    void oneLeaderAndWaitersReceiveStoredBody() {
        CacheFixture f = new CacheFixture();
        List<LookupResult> results = lookups(f, 5);
        assertThat(results.get(0)).isInstanceOf(LookupResult.Miss.class);
        List<CompletableFuture<LookupResult>> waiters = waiters(results);
        assertThat(waiters).hasSize(4).noneMatch(CompletableFuture::isDone);
        f.respond(CacheFixture.exchange(results.get(0)), 200, f.response("cache-control", "max-age=60"), "shared");
        for (CompletableFuture<LookupResult> waiter : waiters) {
            LookupResult.Hit hit = CacheFixture.hit(waiter.join());
            assertThat(body(hit)).isEqualTo("shared");
            assertThat(hit.cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; ttl=60; collapsed");
        }
        assertThat(f.listener.count("coalesced", CacheFixture.TENANT)).isEqualTo(4);
    }

    @Test
    void uncacheableResponseTellsWaitersToFetchThemselves() {
        CacheFixture f = new CacheFixture();
        List<LookupResult> results = lookups(f, 3);
        f.respond(CacheFixture.exchange(results.get(0)), 200, f.response("cache-control", "private"), "mine");
        for (CompletableFuture<LookupResult> waiter : waiters(results)) {
            LookupResult result = waiter.join();
            assertThat(result).isInstanceOf(LookupResult.Miss.class);
            ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(result), 200,
                    f.response("cache-control", "private"));
            assertThat(decision.cacheStatus()).isEqualTo("edgespot; fwd=uri-miss; collapsed=?0; detail=private");
        }
    }

    @Test
    void abortedBodyAndAbandonReleaseWaiters() {
        CacheFixture f = new CacheFixture();
        List<LookupResult> results = lookups(f, 2);
        ResponseDecision decision = f.cache.onResponse(CacheFixture.exchange(results.get(0)), 200,
                f.response("cache-control", "max-age=60"));
        ((ResponseDecision.Store) decision).collector().abort();
        assertThat(waiters(results).get(0).join()).isInstanceOf(LookupResult.Miss.class);

        List<LookupResult> again = lookups(f, 2);
        f.cache.abandon(CacheFixture.exchange(again.get(0)));
        assertThat(waiters(again).get(0).join()).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void waitersAreBounded() {
        CacheFixture f = new CacheFixture(TenantSettings.builder().maxCoalescedWaiters(2).build());
        List<LookupResult> results = lookups(f, 4);
        assertThat(results).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Miss", "Coalesced", "Coalesced", "Miss");
    }

    @Test
    void waiterTimesOutAndFetchesItself() {
        CacheFixture f = new CacheFixture(TenantSettings.builder().coalesceTimeout(Duration.ofSeconds(2)).build());
        List<LookupResult> results = lookups(f, 2);
        CompletableFuture<LookupResult> waiter = waiters(results).get(0);
        assertThat(f.scheduler.pending()).isEqualTo(1);
        f.scheduler.runAll();
        assertThat(waiter.join()).isInstanceOf(LookupResult.Miss.class);
        f.clock.advanceSeconds(3);
        assertThat(f.cache.lookup(get("/c"))).as("an expired leader no longer collects waiters")
                .isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void varyMismatchAfterWaitFetches() {
        CacheFixture f = new CacheFixture();
        LookupResult leader = f.cache.lookup(get("/c", "accept-language", "en"));
        LookupResult waiter = f.cache.lookup(get("/c", "accept-language", "fr"));
        f.respond(CacheFixture.exchange(leader), 200, f.response("cache-control", "max-age=60",
                "vary", "accept-language"), "en");
        assertThat(((LookupResult.Coalesced) waiter).result().join()).isInstanceOf(LookupResult.Miss.class);
    }

    @Test
    void concurrentThreadsMakeOneFetch() throws Exception {
        CacheFixture f = new CacheFixture();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<LookupResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return f.cache.lookup(get("/c"));
                }));
            }
            start.countDown();
            List<LookupResult> results = new ArrayList<>();
            for (Future<LookupResult> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            List<LookupResult> leaders = results.stream().filter(LookupResult.Miss.class::isInstance).toList();
            assertThat(leaders).hasSize(1);
            f.respond(CacheFixture.exchange(leaders.get(0)), 200, f.response("cache-control", "max-age=60"), "one");
            for (CompletableFuture<LookupResult> waiter : waiters(results)) {
                assertThat(body(CacheFixture.hit(waiter.get(10, TimeUnit.SECONDS)))).isEqualTo("one");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
