package io.edgespot.proxy.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Open downstream connections per client address, for {@code limits.maxConnectionsPerClient}: one client cannot
 * take the instance's whole connection budget from the others. Shared by the instance's event loops. Only
 * connections admitted while a bound is set are counted, and an address leaves the table with its last
 * connection, so the table never holds more entries than there are open connections.
 */
final class ClientConnections {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /**
     * Counts a new connection of {@code client} unless it already has {@code max} open.
     *
     * @return whether the connection is admitted; if so, {@link #release} must follow when it closes
     */
    boolean tryAcquire(String client, int max) {
        boolean[] admitted = {false};
        open.compute(client, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    /** A counted connection of {@code client} closed. */
    void release(String client) {
        open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
}
