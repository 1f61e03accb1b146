package io.edgespot.loadtest;

/**
 * One kind of load ({@code http}, {@code handshake}, {@code ws-storm}, {@code cache-mix}) run once from parsed
 * arguments to a {@link Report}.
 */
public interface Scenario {

    /**
     * Runs the scenario; blocks until the run ends.
     *
     * @param args the parsed command line
     * @param progress where the once-a-second progress line goes
     * @return the report
     * @throws Exception if the run cannot be set up (TLS context, event loops)
     */
    Report run(Args args, Progress progress) throws Exception;
}
