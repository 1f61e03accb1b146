package io.edgespot.proxy.cli;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.KeyException;
import io.edgespot.crypto.KeyInfo;
import io.edgespot.crypto.KeysetTool;
import io.edgespot.proxy.config.ConfigException;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.ConfigProblem;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.VerifiedFileChecks;
import io.edgespot.proxy.demo.DemoBanner;
import io.edgespot.proxy.demo.DemoOrigin;
import io.edgespot.proxy.demo.DemoSetup;
import io.edgespot.proxy.instance.EdgeInstance;
import java.nio.file.Files;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code edgespot} command: {@code run}, {@code demo}, {@code check}, {@code keys} and {@code version}.
 *
 * <p>Every subcommand answers {@code --help}. Errors are one line each on standard error with exit
 * code 1 (bad input) or 2 (bad usage); no stack trace reaches the user.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: edgespot SUBCOMMAND [ARGS]

              run --config FILE  start edgespot from a config file
              demo             start edgespot on an embedded demo config, with a demo origin
              check FILE       validate a config and every file it refers to; prints 'ok' or every error
              keys ACTION      manage a tenant's encrypted keyset (new, rotate, promote, list, destroy)
              version          print the version

            Run 'edgespot SUBCOMMAND --help' for a subcommand's options.
            """;

    private static final String CHECK_USAGE = """
            usage: edgespot check FILE

            Validates FILE and every certificate, key and keyset it names, without starting anything.
            Exit code 0 and 'ok' when valid; exit code 1 and one line per error otherwise, each as
            FILE:LINE: PATH: MESSAGE.
            """;

    private static final String RUN_USAGE = """
            usage: edgespot run --config FILE

            Starts edgespot. The config and every file it names are validated first, exactly as by
            'edgespot check'. SIGHUP or a change of FILE reloads it; SIGTERM or Ctrl-C drains and stops.
            """;

    private static final String DEMO_USAGE = """
            usage: edgespot demo [--port N] [--admin-port N] [--dir DIR]

            Starts edgespot on an embedded demo config: a self-signed certificate for localhost, a fresh
            demo keyset, and an in-process demo origin. Defaults: --port 8443, --admin-port 9901, a new
            temporary DIR for the generated files.
            """;

    private static final String KEYS_USAGE = """
            usage: edgespot keys ACTION --keyset FILE --tenant NAME --kek SPEC [--id KEY_ID]

              new       create a keyset file for the tenant (refuses to overwrite)
              rotate    add a new key (not yet primary); prints its id
              promote   make --id the primary key: new cache entries are sealed with it
              list      show key ids, roles and status (never key material)
              destroy   remove key --id; entries sealed under it become unreadable

            --kek is file:/path (development), env:VARIABLE, or a KMS URI such as aws-kms://arn:...
            --dev-kek FILE, with 'new', first generates a development KEK file (0600) and uses it.
            """;

    private Main() {
    }

    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";
    private static final String RECYCLER_CAPACITY_PROPERTY = "io.netty.recycler.maxCapacityPerThread";
    private static final String CACHED_BUFFER_CAPACITY_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
    private static final String IO_URING_MULTISHOT_POLL_PROPERTY = "io.netty.iouring.pollAddMultishotEnabled";

    /** Entry point. */
    public static void main(String[] args) {
        processDefaults();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Sets the process-wide defaults an edgespot JVM runs with, unless the operator set them (-D... on the java command
     * line, or EDGESPOT_JAVA_OPTS); call first in {@code main}, before any Netty class reads them. Benchmark launchers
     * call it too, so they compare like with like.
     */
    public static void processDefaults() {
        // Netty's leak detector samples buffer allocations and touches every message at every pipeline hop (about
        // 5 % of the event loop's user time in a pass-through profile). The test suites run it at PARANOID and fail
        // on a leak; a production process leaves it off.
        defaultProperty(LEAK_DETECTION_PROPERTY, "disabled");
        // Netty's object pools (pooled buffers' wrappers, outbound buffer entries, slices) cost more here than the
        // allocations they save: with the pools off, the same proxy did 2.4-3.2 % more plain 1 KiB requests per
        // second (G1 and Parallel GC), 2.6 % more TLS h2 1 KiB, 8 % more 64 KiB (docs/performance.md, "Netty's
        // object pools"). An operator can turn them back on with -Dio.netty.recycler.maxCapacityPerThread=4096.
        defaultProperty(RECYCLER_CAPACITY_PROPERTY, "0");
        // SslHandler drives Conscrypt (behind ConscryptEngineAdapter) as a generic engine and so gives each wrap an
        // output buffer of at least the session's packet size: RoomySession's 33 KiB, whatever the record. Past
        // Netty's 32 KiB default the event loop's cache does not keep buffers of that size class (40 KiB), and each
        // wrap took one from the arena and gave it back under its lock. Cached: no arena allocation per TLS request;
        // TLS h1 1 KiB -0.7 % and +2.1 %, h2 +1.0 %. Not 64 KiB: caching the 64 KiB read buffers too cost plain
        // 64 KiB 1.6 % and 3.0 % (docs/performance.md). At most 64 buffers per size class and event loop, trimmed
        // when unused.
        defaultProperty(CACHED_BUFFER_CAPACITY_PROPERTY, "40960");
        // io_uring's multishot POLL_ADD, off: origin connections read with auto-read off, one read() at a time, and
        // with a multishot poll armed such a channel could miss the last readiness event (Netty 4.2.18). An origin's
        // reset after part of a body was then never reported and the client waited for bytes that would not come:
        // OriginFaultIT.resetMidBodyCutsTheClientConnection failed in every run with it on, passed in every run with
        // it off. A one-shot poll is armed at each read(), so it cannot miss one; plain 1 KiB ran as fast either way
        // (docs/performance.md, "io_uring on main"). The failsafe JVM sets it too (pom.xml), for the ITs.
        defaultProperty(IO_URING_MULTISHOT_POLL_PROPERTY, "false");
    }

    /** Sets a system property the operator did not set, before any class that reads it is loaded. */
    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /**
     * Runs one command.
     *
     * @return the process exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || isHelp(args[0])) {
            (args.length == 0 ? err : out).print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "run" -> runCommand(rest, out, err);
            case "demo" -> demo(rest, out, err);
            case "check" -> check(rest, out, err);
            case "keys" -> keys(rest, out, err);
            case "version", "--version" -> {
                out.println("edgespot " + version());
                yield OK;
            }
            default -> {
                err.println("edgespot: unknown subcommand '" + args[0] + "'");
                err.print(USAGE_TEXT);
                yield USAGE;
            }
        };
    }

    private static int runCommand(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = options(args, RUN_USAGE, out, err);
        if (opts == null) {
            return args.length > 0 && isHelp(args[0]) ? OK : USAGE;
        }
        if (!opts.containsKey("config") || opts.size() != 1) {
            err.print(RUN_USAGE);
            return USAGE;
        }
        Path file = Path.of(opts.get("config"));
        EdgeConfig config;
        try {
            config = new ConfigLoader(new VerifiedFileChecks()).load(file);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            return FAILED;
        }
        return serve(() -> EdgeInstance.start(file, config), instance -> { }, () -> { }, err);
    }

    private static int demo(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = options(args, DEMO_USAGE, out, err);
        if (opts == null) {
            return args.length > 0 && isHelp(args[0]) ? OK : USAGE;
        }
        DemoOrigin origin = null;
        try {
            int port = Integer.parseInt(opts.getOrDefault("port", String.valueOf(DemoSetup.DEFAULT_PORT)));
            int adminPort = Integer.parseInt(opts.getOrDefault("admin-port",
                    String.valueOf(DemoSetup.DEFAULT_ADMIN_PORT)));
            Path dir = opts.containsKey("dir") ? Path.of(opts.get("dir"))
                    : Files.createTempDirectory("edgespot-demo-");
            origin = new DemoOrigin();
            int originPort = origin.start();
            DemoSetup setup = DemoSetup.generate(dir, port, adminPort, originPort);
            DemoOrigin running = origin;
            return serve(() -> EdgeInstance.start(setup.configFile(), setup.config()), instance -> {
                int bound = instance.addresses().values().iterator().next().getPort();
                out.print(DemoBanner.text(bound, instance.adminPort(), setup.configFile()));
                out.flush();
            }, running::close, err);
        } catch (NumberFormatException e) {
            err.println("edgespot demo: --port and --admin-port take a number");
            return USAGE;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            closeQuietly(origin);
            return FAILED;
        } catch (IOException | RuntimeException e) {
            err.println("edgespot demo: " + e.getMessage());
            closeQuietly(origin);
            return FAILED;
        }
    }

    private static void closeQuietly(DemoOrigin origin) {
        if (origin != null) {
            origin.close();
        }
    }

    /** Something that starts an instance. */
    private interface Starter {
        EdgeInstance start() throws EdgeInstance.StartException;
    }

    /** Starts, reports, and blocks until SIGTERM or Ctrl-C has drained the instance. */
    private static int serve(Starter starter, java.util.function.Consumer<EdgeInstance> started, Runnable after,
                             PrintStream err) {
        EdgeInstance instance;
        try {
            instance = starter.start();
        } catch (EdgeInstance.StartException e) {
            err.println("edgespot: " + e.getMessage());
            after.run();
            return FAILED;
        }
        Thread hook = new Thread(() -> {
            instance.close();
            after.run();
        }, "edgespot-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.onHangup(instance::reload);
        started.accept(instance);
        try {
            instance.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @return the options, or null after printing help or a usage error
     */
    private static Map<String, String> options(String[] args, String usage, PrintStream out, PrintStream err) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (isHelp(args[i])) {
                out.print(usage);
                return null;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("edgespot: expected --option VALUE, got '" + args[i] + "'");
                err.print(usage);
                return null;
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static int check(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && isHelp(args[0])) {
            out.print(CHECK_USAGE);
            return OK;
        }
        if (args.length != 1) {
            err.print(CHECK_USAGE);
            return USAGE;
        }
        try {
            new ConfigLoader(new VerifiedFileChecks()).load(Path.of(args[0]));
            out.println("ok");
            return OK;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            return FAILED;
        }
    }

    private static int keys(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || isHelp(args[0])) {
            (args.length == 0 ? err : out).print(KEYS_USAGE);
            return args.length == 0 ? USAGE : OK;
        }
        String action = args[0];
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (isHelp(args[i])) {
                out.print(KEYS_USAGE);
                return OK;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("edgespot keys: expected --option VALUE, got '" + args[i] + "'");
                return USAGE;
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of("keyset", "tenant")) {
            if (!opts.containsKey(required)) {
                missing.add("--" + required);
            }
        }
        if (!opts.containsKey("kek") && !(action.equals("new") && opts.containsKey("dev-kek"))) {
            missing.add("--kek");
        }
        if ((action.equals("promote") || action.equals("destroy")) && !opts.containsKey("id")) {
            missing.add("--id");
        }
        if (!missing.isEmpty()) {
            err.println("edgespot keys " + action + ": missing " + String.join(", ", missing));
            return USAGE;
        }
        Path file = Path.of(opts.get("keyset"));
        String tenant = opts.get("tenant");
        try {
            KeyEncryptionKey kek = opts.containsKey("dev-kek") && action.equals("new")
                    ? KeyEncryptionKey.generateDevKek(Path.of(opts.get("dev-kek")))
                    : KeyEncryptionKey.resolve(opts.get("kek"));
            switch (action) {
                case "new" -> out.println("created " + file + " for tenant " + tenant + ", primary key "
                        + KeysetTool.create(file, tenant, kek.aead()));
                case "rotate" -> out.println("added key " + KeysetTool.rotate(file, tenant, kek.aead())
                        + " (not primary; promote it when every instance has the new keyset)");
                case "promote" -> {
                    KeysetTool.promote(file, tenant, kek.aead(), keyId(opts.get("id")));
                    out.println("key " + opts.get("id") + " is now primary");
                }
                case "destroy" -> {
                    KeysetTool.destroy(file, tenant, kek.aead(), keyId(opts.get("id")));
                    out.println("key " + opts.get("id") + " destroyed");
                }
                case "list" -> {
                    out.printf("%-12s %-15s %-10s %s%n", "KEY ID", "ROLE", "STATUS", "PRIMARY");
                    for (KeyInfo k : KeysetTool.list(file, tenant, kek.aead())) {
                        out.printf("%-12d %-15s %-10s %s%n", k.id(), k.role(), k.status(), k.primary() ? "yes" : "");
                    }
                }
                default -> {
                    err.println("edgespot keys: unknown action '" + action + "'");
                    err.print(KEYS_USAGE);
                    return USAGE;
                }
            }
            return OK;
        } catch (KeyException | IllegalArgumentException e) {
            err.println("edgespot keys " + action + ": " + e.getMessage());
            return FAILED;
        }
    }

    private static int keyId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--id must be a key id as shown by 'keys list', got '" + text + "'");
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/edgespot-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
