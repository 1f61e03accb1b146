package io.edgespot.loadtest;

import io.netty.handler.codec.http.HttpResponse;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * GET requests for keys drawn from a Zipf distribution, appended to the URL's path, counting the responses whose
 * {@code Cache-Status} header reports a hit.
 */
public final class CacheMixScenario implements Scenario {

    @Override
    public Report run(Args args, Progress progress) throws Exception {
        String prefix = args.target().uri().getRawPath() == null || args.target().uri().getRawPath().isEmpty()
            ? "/" : args.target().uri().getRawPath();
        Zipf zipf = new Zipf(args.keys(), args.zipfS(), args.seed());
        LongAdder hits = new LongAdder();
        LongAdder withStatus = new LongAdder();
        // Each connection gets its own sampler (samplers are not thread-safe), seeded from the run's seed.
        HttpLoad load = new HttpLoad(args, index -> {
            Zipf own = zipf.withSeed(args.seed() * 1_000_003L + index);
            return () -> prefix + own.next();
        }, response -> count(response, hits, withStatus), false);
        Report.Builder b = load.run("cache-mix", progress);
        Report partial = b.build();
        long responses = (long) partial.number("status.2xx") + (long) partial.number("status.3xx")
            + (long) partial.number("status.4xx") + (long) partial.number("status.5xx");
        b.put("keys", args.keys());
        b.put("zipfS", args.zipfS());
        b.put("cacheHits", hits.sum());
        b.put("cacheStatusResponses", withStatus.sum());
        b.put("hitRatio", responses == 0 ? 0.0 : Math.round(hits.sum() * 10_000.0 / responses) / 10_000.0);
        return b.build();
    }

    private static void count(HttpResponse response, LongAdder hits, LongAdder withStatus) {
        String status = response.headers().get("Cache-Status");
        if (status == null) {
            return;
        }
        withStatus.increment();
        // RFC 9211: "hit" is a parameter of the cache's entry, e.g. "edgespot; hit"; any listed cache counts.
        for (String param : status.toLowerCase(Locale.ROOT).split("[;,]")) {
            if (param.trim().equals("hit")) {
                hits.increment();
                return;
            }
        }
    }
}
