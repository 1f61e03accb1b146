package io.edgespot.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The shared state and the driver of an HTTP run over {@code --connections} {@link HttpConnection}s, used by
 * the {@code http}, {@code cache-mix} and {@code handshake} scenarios.
 */
public final class HttpLoad {

    private final Args args;
    private final InetSocketAddress address;
    private final IntFunction<Supplier<String>> paths;
    private final Consumer<HttpResponse> observer;
    private final boolean perRequest;
    private final RequestTemplate template;
    private final SslContext ssl;
    private final RunStats stats = new RunStats();
    private final LatencyRecorder handshakes = new LatencyRecorder();
    private final LongAdder handshakeCount = new LongAdder();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder overflow = new LongAdder();
    private final AtomicInteger peerPorts = new AtomicInteger();
    // Set by run() before any connection starts; the event loops see them through the task hand-off.
    private Bootstrap bootstrap;
    private RunControl control;
    private ByteCounter byteCounter;
    private volatile boolean closing;

    /**
     * Prepares a run.
     *
     * @param args the parsed command line
     * @param paths for each connection index, the supplier of request paths it uses (called on its event loop)
     * @param observer sees the head of every measured response, on an event loop; must be thread-safe
     * @param perRequest open a new connection (and TLS handshake) for every request, with {@code Connection:
     *     close}
     * @throws Exception if the TLS context cannot be built
     */
    public HttpLoad(Args args, IntFunction<Supplier<String>> paths, Consumer<HttpResponse> observer,
        boolean perRequest) throws Exception {
        this.args = args;
        this.address = args.target().resolve();
        this.paths = paths;
        this.observer = observer;
        this.perRequest = perRequest;
        this.template = new RequestTemplate(args, perRequest);
        this.ssl = args.target().tls() ? ClientSsl.forHttp(args.insecure(), args.http2() && !perRequest) : null;
    }

    /**
     * Runs the load until the duration or the request budget ends it and reports the common fields.
     *
     * @param scenario the scenario name for the report
     * @param progress where the progress line goes
     * @return a report builder to which the scenario may add fields
     * @throws InterruptedException if interrupted
     */
    public Report.Builder run(String scenario, Progress progress) throws InterruptedException {
        long end;
        long unfinished;
        String transport;
        try (EventLoops loops = new EventLoops(args.threads())) {
            transport = loops.transport();
            bootstrap = loops.bootstrap(args.timeout());
            control = new RunControl(args);
            byteCounter = new ByteCounter(stats, control);
            List<HttpConnection> connections = new ArrayList<>();
            for (int i = 0; i < args.connections(); i++) {
                HttpConnection c = new HttpConnection(this, loops.group().next(), i, paths.apply(i));
                connections.add(c);
                c.start();
            }
            // Requests still out at the deadline get their full timeout, plus a second for the timers to fire.
            long drain = args.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            end = RunLoop.run(control, stats, progress, drain);
            closing = true;
            unfinished = control.outstanding();
            connections.forEach(HttpConnection::shutdown);
        }
        handshakes.sample();
        double seconds = Math.max(1e-9, (end - control.measureStartNanos()) / 1e9);
        Report.Builder b = Report.builder(scenario, args.target().toString(), seconds, stats);
        b.put("mode", args.openLoop() ? "open" : "closed");
        b.put("protocol", args.http2() && !perRequest ? "h2" : "http/1.1");
        b.put("tls", args.target().tls());
        b.put("transport", transport);
        b.put("connections", args.connections());
        if (args.openLoop()) {
            b.put("rate", args.rate());
            b.put("uncorrected", LatencySummary.of(stats.serviceTime().total()));
        }
        if (args.target().tls()) {
            long n = handshakeCount.sum();
            b.put("handshakes", n);
            b.put("handshakesPerSecond", Math.round(n / seconds * 1000.0) / 1000.0);
            b.put("handshakeLatency", LatencySummary.of(handshakes.total()));
            if (perRequest) {
                b.put("resumedHandshakes", resumed.sum());
            }
        }
        b.put("queueOverflow", overflow.sum());
        b.put("unfinished", unfinished);
        return b;
    }

    Args args() {
        return args;
    }

    Target target() {
        return args.target();
    }

    InetSocketAddress address() {
        return address;
    }

    boolean http2() {
        return args.http2();
    }

    boolean perRequest() {
        return perRequest;
    }

    RequestTemplate template() {
        return template;
    }

    SslContext ssl() {
        return ssl;
    }

    Bootstrap bootstrap() {
        return bootstrap;
    }

    RunControl control() {
        return control;
    }

    RunStats stats() {
        return stats;
    }

    ByteCounter byteCounter() {
        return byteCounter;
    }

    boolean closing() {
        return closing;
    }

    void observe(HttpResponse response) {
        observer.accept(response);
    }

    void recordOverflow() {
        overflow.increment();
        stats.recordError(ErrorKind.OTHER);
    }

    void recordHandshake(long connectStartedNanos) {
        if (!closing && control.measured(connectStartedNanos)) {
            handshakeCount.increment();
            handshakes.recordNanos(System.nanoTime() - connectStartedNanos);
        }
    }

    void recordResumed() {
        if (!closing) {
            resumed.increment();
        }
    }

    /**
     * The port the TLS engine is told it talks to. The JDK keys its client session cache by host and this port,
     * so without {@code --resume} every connection gets a port of its own and never finds a session to resume;
     * the real port is used only for the TCP connect.
     */
    int sessionPeerPort() {
        if (args.resume()) {
            return args.target().port();
        }
        return 1 + Math.floorMod(peerPorts.getAndIncrement(), 65_535);
    }

    /** The open-loop schedule: connection {@code index}'s {@code k}-th request, spread evenly over connections. */
    long intendedStart(int index, long k) {
        double slot = index + (double) k * args.connections();
        return control.startNanos() + (long) (slot * 1e9 / args.rate());
    }
}
