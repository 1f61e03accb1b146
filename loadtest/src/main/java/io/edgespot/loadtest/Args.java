package io.edgespot.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parsed and validated command line of {@code edgespot-load}.
 *
 * <p>Instances are immutable. Every mistake is reported by {@link #parse} as an {@link ArgsException} whose
 * message names the flag and the bad value, so nothing fails later under load.
 */
public final class Args {

    /** The machine allows 20,000 open files per process; a run must leave room for its own files. */
    public static final int MAX_CONNECTIONS = 20_000;

    static final String USAGE = String.join("\n",
        "usage: edgespot-load SCENARIO --url URL [options]",
        "scenarios: http, handshake, ws-storm, cache-mix",
        "  --url URL            target (http, https, ws, wss); loopback only unless --allow-remote",
        "  --duration D         run length, e.g. 250ms, 10s, 2m (default 30s)",
        "  --requests N         stop after N measured requests (whichever of duration/requests comes first)",
        "  --connections N      connections, or WebSockets for ws-storm (default 64, max 20000)",
        "  --rate N             open loop: total requests/s (ws-storm: opens/s); omit for closed loop",
        "  --http2              use HTTP/2 (ALPN over TLS, prior knowledge over plain http)",
        "  --streams N          concurrent HTTP/2 streams per connection (default 10)",
        "  --timeout D          per-request timeout (default 10s)",
        "  --warmup D           unmeasured warm-up before the run (default 0s)",
        "  --threads N          event loop threads (default: available processors)",
        "  --insecure           trust any TLS certificate",
        "  --json               print the report as JSON",
        "  --quiet              no progress line on stderr",
        "  --allow-remote       allow non-loopback targets",
        "  http:       --method M, --header K:V (repeatable), --body-size N",
        "  handshake:  --resume (reuse TLS sessions)",
        "  ws-storm:   --interval D (default 1s), --watch-closes",
        "  cache-mix:  --keys N (default 1000), --zipf-s S (default 1.0), --seed N (default 1)");

    private String scenario;
    private Target target;
    private Duration duration = Duration.ofSeconds(30);
    private long requests = Long.MAX_VALUE;
    private int connections = 64;
    private double rate;
    private boolean http2;
    private int streams = 10;
    private boolean insecure;
    private boolean json;
    private boolean quiet;
    private Duration warmup = Duration.ZERO;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Duration timeout = Duration.ofSeconds(10);
    private String method = "GET";
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private int bodySize;
    private boolean resume;
    private Duration interval = Duration.ofSeconds(1);
    private boolean watchCloses;
    private int keys = 1000;
    private double zipfS = 1.0;
    private long seed = 1;
    private boolean allowRemote;
    private boolean help;

    private Args() {
    }

    /**
     * Parses and validates a command line.
     *
     * @param argv the arguments after the program name
     * @return the parsed arguments; when {@link #help()} is true the others are defaults
     * @throws ArgsException on an unknown flag, a missing or malformed value, a missing {@code --url} or a
     *     refused target
     */
    public static Args parse(String... argv) {
        Args a = new Args();
        String url = null;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                if (a.scenario != null) {
                    throw new ArgsException("unexpected argument '" + arg + "' (scenario is already "
                        + a.scenario + ")");
                }
                a.scenario = arg;
                continue;
            }
            switch (arg) {
                case "--help": a.help = true; break;
                case "--http2": a.http2 = true; break;
                case "--insecure": a.insecure = true; break;
                case "--json": a.json = true; break;
                case "--quiet": a.quiet = true; break;
                case "--resume": a.resume = true; break;
                case "--watch-closes": a.watchCloses = true; break;
                case "--allow-remote": a.allowRemote = true; break;
                case "--url": url = value(argv, i++); break;
                case "--duration": a.duration = positive(arg, Durations.parse(arg, value(argv, i++))); break;
                case "--warmup": a.warmup = Durations.parse(arg, value(argv, i++)); break;
                case "--timeout": a.timeout = positive(arg, Durations.parse(arg, value(argv, i++))); break;
                case "--interval": a.interval = positive(arg, Durations.parse(arg, value(argv, i++))); break;
                case "--requests": a.requests = longValue(arg, value(argv, i++), 1, Long.MAX_VALUE); break;
                case "--connections": a.connections = connections(value(argv, i++)); break;
                case "--rate": a.rate = doubleValue(arg, value(argv, i++)); break;
                case "--streams": a.streams = (int) longValue(arg, value(argv, i++), 1, 10_000); break;
                case "--threads": a.threads = (int) longValue(arg, value(argv, i++), 1, 1024); break;
                case "--method": a.method = value(argv, i++).toUpperCase(Locale.ROOT); break;
                case "--header": a.headers.add(header(value(argv, i++))); break;
                case "--body-size": a.bodySize = (int) longValue(arg, value(argv, i++), 0, 64L << 20); break;
                case "--keys": a.keys = (int) longValue(arg, value(argv, i++), 1, 100_000_000); break;
                case "--zipf-s": a.zipfS = zipfExponent(value(argv, i++)); break;
                case "--seed": a.seed = longValue(arg, value(argv, i++), Long.MIN_VALUE, Long.MAX_VALUE); break;
                default: throw new ArgsException("unknown flag " + arg + " (see --help)");
            }
        }
        if (a.help) {
            return a;
        }
        if (a.scenario == null) {
            throw new ArgsException("missing SCENARIO (one of " + String.join(", ", Scenarios.NAMES) + ")");
        }
        if (!Scenarios.NAMES.contains(a.scenario)) {
            throw new ArgsException("unknown scenario '" + a.scenario + "' (one of "
                + String.join(", ", Scenarios.NAMES) + ")");
        }
        if (url == null) {
            throw new ArgsException("missing --url");
        }
        a.target = Target.parse(url);
        a.target.checkAllowed(a.allowRemote);
        a.checkScheme();
        return a;
    }

    private void checkScheme() {
        boolean ws = "ws-storm".equals(scenario);
        if (ws != target.webSocket()) {
            throw new ArgsException("scenario " + scenario + " needs a " + (ws ? "ws:// or wss://" : "http(s)://")
                + " --url, got " + target);
        }
        if ("handshake".equals(scenario) && !target.tls()) {
            throw new ArgsException("scenario handshake needs an https:// --url");
        }
    }

    private static String value(String[] argv, int i) {
        if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
            throw new ArgsException(argv[i] + " needs a value");
        }
        return argv[i + 1];
    }

    private static Duration positive(String flag, Duration d) {
        if (d.isZero()) {
            throw new ArgsException(flag + " must be greater than zero");
        }
        return d;
    }

    private static long longValue(String flag, String text, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ArgsException("bad number '" + text + "' for " + flag);
        }
        if (v < min || v > max) {
            throw new ArgsException(flag + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static double doubleValue(String flag, String text) {
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ArgsException("bad number '" + text + "' for " + flag);
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ArgsException(flag + " must be greater than zero, got " + text);
        }
        return v;
    }

    private static int connections(String text) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ArgsException("bad number '" + text + "' for --connections");
        }
        if (v > MAX_CONNECTIONS) {
            throw new ArgsException("--connections " + v + " is more than " + MAX_CONNECTIONS
                + ": the machine allows 20,000 open files per process");
        }
        if (v < 1) {
            throw new ArgsException("--connections must be at least 1, got " + v);
        }
        return (int) v;
    }

    private static double zipfExponent(String text) {
        try {
            double s = Double.parseDouble(text);
            if (s >= 0 && s <= 10) {
                return s;
            }
        } catch (NumberFormatException e) {
            // fall through to the common message
        }
        throw new ArgsException("--zipf-s must be a number between 0 and 10, got " + text);
    }

    private static Map.Entry<String, String> header(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new ArgsException("bad --header '" + text + "': use Name:value");
        }
        return Map.entry(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
    }

    /** @return the scenario name */
    public String scenario() {
        return scenario;
    }

    /** @return the target parsed from {@code --url} */
    public Target target() {
        return target;
    }

    /** @return the measured run length */
    public Duration duration() {
        return duration;
    }

    /** @return the number of measured requests after which the run stops, {@link Long#MAX_VALUE} if unbounded */
    public long requests() {
        return requests;
    }

    /** @return the number of connections (WebSockets for ws-storm) */
    public int connections() {
        return connections;
    }

    /** @return the open-loop rate in requests (or opens) per second, 0 for closed loop */
    public double rate() {
        return rate;
    }

    /** @return true when a constant rate was asked for */
    public boolean openLoop() {
        return rate > 0;
    }

    /** @return whether to speak HTTP/2 */
    public boolean http2() {
        return http2;
    }

    /** @return concurrent streams per HTTP/2 connection */
    public int streams() {
        return streams;
    }

    /** @return whether any certificate is trusted */
    public boolean insecure() {
        return insecure;
    }

    /** @return whether the report is printed as JSON */
    public boolean json() {
        return json;
    }

    /** @return whether the progress line is suppressed */
    public boolean quiet() {
        return quiet;
    }

    /** @return the unmeasured warm-up */
    public Duration warmup() {
        return warmup;
    }

    /** @return the number of event loop threads */
    public int threads() {
        return threads;
    }

    /** @return the per-request timeout */
    public Duration timeout() {
        return timeout;
    }

    /** @return the HTTP method */
    public String method() {
        return method;
    }

    /** @return the extra request headers in the order given */
    public List<Map.Entry<String, String>> headers() {
        return List.copyOf(headers);
    }

    /** @return the request body size in bytes */
    public int bodySize() {
        return bodySize;
    }

    /** @return whether TLS sessions are resumed in the handshake scenario */
    public boolean resume() {
        return resume;
    }

    /** @return the WebSocket message interval */
    public Duration interval() {
        return interval;
    }

    /** @return whether server-initiated WebSocket closes are recorded */
    public boolean watchCloses() {
        return watchCloses;
    }

    /** @return the number of cache-mix keys */
    public int keys() {
        return keys;
    }

    /** @return the Zipf exponent for cache-mix */
    public double zipfS() {
        return zipfS;
    }

    /** @return the random seed for cache-mix */
    public long seed() {
        return seed;
    }

    /** @return whether non-loopback targets are allowed */
    public boolean allowRemote() {
        return allowRemote;
    }

    /** @return whether {@code --help} was given */
    public boolean help() {
        return help;
    }
}
