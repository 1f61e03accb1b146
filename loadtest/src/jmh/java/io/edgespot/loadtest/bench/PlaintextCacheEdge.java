package io.edgespot.loadtest.bench;

import io.edgespot.proxy.cli.Main;
import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.ConfigProblem;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.VerifiedFileChecks;
import io.edgespot.proxy.instance.EdgeInstance;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * BENCHMARK-ONLY launcher: edgespot started from a config file exactly like {@code edgespot run --config FILE}, except
 * that its cache holds entries in clear ({@link PlaintextSealer}) instead of sealing them under the tenant's keys.
 *
 * <p>The loopback harness ({@code bench/edgespot-bench.sh}) runs it beside the real edgespot on the same config and
 * the same cache-hit load, so the difference between the two rows is what the cache's encryption costs. edgespot has
 * no setting that turns encryption off, and this class is not in {@code edgespot.jar}: it is compiled with the
 * loadtest module's benchmark sources and packaged only in {@code edgespot-jmh.jar} ({@code -Pjmh}):
 *
 * <pre>java -cp loadtest/target/edgespot-jmh.jar io.edgespot.loadtest.bench.PlaintextCacheEdge --config FILE</pre>
 *
 * <p>The config still needs {@code keys.kek} and a tenant {@code keyset}: they are opened as usual (a tenant without
 * a keyset is not cached), then only the tenant's name is used. SIGTERM or Ctrl-C drains and stops it; there is no
 * SIGHUP reload (a change of the config file still reloads it).
 */
public final class PlaintextCacheEdge {

    private static final String USAGE = "usage: PlaintextCacheEdge --config FILE   (benchmark-only: cache in clear)";

    private PlaintextCacheEdge() {
    }

    /** Entry point; exits 1 on a bad config or a failed start, 2 on bad usage. */
    public static void main(String[] args) throws InterruptedException {
        Main.processDefaults(); // the same Netty settings as the edgespot it is compared with
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--config")) {
            err.println(USAGE);
            return 2;
        }
        Path file = Path.of(args[1]);
        EdgeConfig config;
        try {
            config = new ConfigLoader(new VerifiedFileChecks()).load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            return 1;
        }
        err.println("PlaintextCacheEdge: BENCHMARK BASELINE, cache entries are held in clear (never ship this)");
        EdgeInstance instance;
        try {
            instance = EdgeInstance.start(file, config, keys -> new PlaintextSealer(keys.tenant()));
        } catch (EdgeInstance.StartException e) {
            err.println("PlaintextCacheEdge: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "edgespot-shutdown"));
        instance.awaitStopped();
        return 0;
    }
}
