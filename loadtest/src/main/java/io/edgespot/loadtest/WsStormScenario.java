package io.edgespot.loadtest;

/**
 * Opens many WebSockets at a given rate, holds them while checking echoes, and optionally records how the server
 * spread its closes; see {@link WsStorm}.
 */
public final class WsStormScenario implements Scenario {

    @Override
    public Report run(Args args, Progress progress) throws Exception {
        return new WsStorm(args).run(progress);
    }
}
