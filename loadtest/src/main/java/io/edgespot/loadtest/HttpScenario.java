package io.edgespot.loadtest;

/**
 * Keep-alive requests to one URL over HTTP/1.1 or HTTP/2, closed- or open-loop.
 */
public final class HttpScenario implements Scenario {

    @Override
    public Report run(Args args, Progress progress) throws Exception {
        String path = args.target().pathAndQuery();
        HttpLoad load = new HttpLoad(args, index -> () -> path, response -> { }, false);
        return load.run("http", progress).build();
    }
}
