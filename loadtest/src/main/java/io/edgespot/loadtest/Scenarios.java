package io.edgespot.loadtest;

import java.util.List;

/**
 * Maps scenario names to {@link Scenario} implementations.
 */
public final class Scenarios {

    /** The scenario names the command accepts. */
    public static final List<String> NAMES = List.of("http", "handshake", "ws-storm", "cache-mix");

    private Scenarios() {
    }

    /**
     * Creates the scenario for a name.
     *
     * @param name one of {@link #NAMES}
     * @return a new scenario
     * @throws ArgsException for an unknown name
     */
    public static Scenario create(String name) {
        switch (name) {
            case "http":
                return new HttpScenario();
            case "handshake":
                return new HandshakeScenario();
            case "ws-storm":
                return new WsStormScenario();
            case "cache-mix":
                return new CacheMixScenario();
            default:
                throw new ArgsException("unknown scenario '" + name + "' (one of " + String.join(", ", NAMES) + ")");
        }
    }
}
