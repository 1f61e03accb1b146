package io.edgespot.loadtest;

/**
 * A new TLS connection for every request ({@code Connection: close}), with full handshakes or, with
 * {@code --resume}, resumed sessions; reports handshakes per second and handshake latency besides the request
 * latency.
 */
public final class HandshakeScenario implements Scenario {

    @Override
    public Report run(Args args, Progress progress) throws Exception {
        String path = args.target().pathAndQuery();
        HttpLoad load = new HttpLoad(args, index -> () -> path, response -> { }, true);
        Report.Builder b = load.run("handshake", progress);
        Report partial = b.build();
        // Here a failed connect is a failed request, so it counts as one.
        long requests = (long) partial.number("requests") + (long) partial.number("errors.connect");
        return b.requests(requests).put("resume", args.resume()).build();
    }
}
