package io.edgespot.cache;

/**
 * A source of wall-clock time in epoch milliseconds, injected so tests can move time by hand.
 *
 * <p>HTTP freshness is defined in wall-clock terms (Date, Expires, Last-Modified), so this is a wall clock and not a
 * monotonic ticker.
 */
@FunctionalInterface
public interface CacheClock {

    /** Returns the current time in milliseconds since the epoch. */
    long currentTimeMillis();

    /** Returns the system clock. */
    static CacheClock system() {
        return System::currentTimeMillis;
    }
}
