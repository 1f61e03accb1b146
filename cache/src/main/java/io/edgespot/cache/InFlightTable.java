package io.edgespot.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tracks the origin fetch in flight per URL, so concurrent misses make one fetch and stale-while-revalidate starts
 * one refresh per key (the idea of Pingora's cache lock).
 *
 * <p>A flight older than the coalesce timeout no longer accepts waiters and may be replaced, so a leader that
 * never reports back cannot block a URL for longer than that.
 */
final class InFlightTable {
    private final ConcurrentHashMap<Digest, Flight> flights = new ConcurrentHashMap<>();

    /** One fetch in flight and the requests waiting for it. */
    static final class Flight {
        final Digest key;
        final long startMillis;
        private final List<Waiter> waiters = new ArrayList<>();

        Flight(Digest key, long startMillis) {
            this.key = key;
            this.startMillis = startMillis;
        }

        boolean expired(long now, long timeoutMillis) {
            return now - startMillis >= timeoutMillis;
        }
    }

    /** A request waiting for a flight; it remembers why it would have been forwarded. */
    record Waiter(CacheRequest request, String fwdReason, CompletableFuture<LookupResult> future) {
    }

    /** The outcome of {@link #leadOrJoin}: the caller leads a new flight, joined one, or neither. */
    record Coalescing(Flight led, Flight joined) {
    }

    /** Starts a flight when none is active; returns {@code null} when another one is. */
    Flight lead(Digest key, long now, long timeoutMillis) {
        Flight[] led = new Flight[1];
        flights.compute(key, (k, existing) -> {
            if (existing == null || existing.expired(now, timeoutMillis)) {
                led[0] = new Flight(k, now);
                return led[0];
            }
            return existing;
        });
        return led[0];
    }

    /**
     * Leads a new flight or joins the active one. Joining fails (both fields null) when the flight already has
     * {@code maxWaiters} waiters; the caller then fetches on its own.
     */
    Coalescing leadOrJoin(Digest key, Waiter waiter, long now, long timeoutMillis, int maxWaiters) {
        Flight[] result = new Flight[2];
        flights.compute(key, (k, existing) -> {
            if (existing == null || existing.expired(now, timeoutMillis)) {
                result[0] = new Flight(k, now);
                return result[0];
            }
            synchronized (existing) {
                if (existing.waiters.size() < maxWaiters) {
                    existing.waiters.add(waiter);
                    result[1] = existing;
                }
            }
            return existing;
        });
        return new Coalescing(result[0], result[1]);
    }

    /** Ends a flight and returns its waiters; once removed, no new waiter can join it. */
    List<Waiter> finish(Flight flight) {
        flights.remove(flight.key, flight);
        synchronized (flight) {
            List<Waiter> waiters = List.copyOf(flight.waiters);
            flight.waiters.clear();
            return waiters;
        }
    }

    /** Removes a waiter that gave up; returns whether it was still waiting. */
    boolean leave(Flight flight, Waiter waiter) {
        synchronized (flight) {
            return flight.waiters.remove(waiter);
        }
    }

    /** Ends every flight and returns all waiters (tenant removal). */
    List<Waiter> finishAll() {
        List<Waiter> all = new ArrayList<>();
        for (Flight flight : List.copyOf(flights.values())) {
            all.addAll(finish(flight));
        }
        return all;
    }

    int size() {
        return flights.size();
    }
}
