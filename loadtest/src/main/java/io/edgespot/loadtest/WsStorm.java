package io.edgespot.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The driver and shared counters of a WebSocket storm: opens {@code --connections} sockets at {@code --rate}
 * opens per second, holds them for the duration, then closes the ones still open.
 *
 * <p>The run ends early once every socket has been opened and closed again, e.g. by a server drain.
 */
public final class WsStorm {

    private final Args args;
    private final InetSocketAddress address;
    private final SslContext ssl;
    private final RunStats stats = new RunStats();
    private final LatencyRecorder echoLatency = new LatencyRecorder();
    private final CloseWatch closeWatch = new CloseWatch();
    private final LongAdder opened = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder echoed = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final ChannelGroup openChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    // Set by run() before the first open is scheduled; the event loops see them through the task hand-off.
    private RunControl control;
    private Bootstrap bootstrap;
    private volatile boolean closing;

    /**
     * Prepares a storm.
     *
     * @param args the parsed command line; the URL is ws:// or wss://
     * @throws Exception if the TLS context cannot be built
     */
    public WsStorm(Args args) throws Exception {
        this.args = args;
        this.address = args.target().resolve();
        this.ssl = args.target().tls() ? ClientSsl.client(args.insecure()) : null;
    }

    /**
     * Runs the storm.
     *
     * @param progress where the progress line goes (its rate is opens per second)
     * @return the report: latency fields are connect latency (TCP, TLS and upgrade), throughput is opens per
     *     second, plus {@code opened}, {@code failed}, {@code messagesSent}, {@code echoes}, {@code echoMismatches},
     *     {@code echoLatency}, {@code closedByServer} and, with {@code --watch-closes}, {@code closes}
     * @throws InterruptedException if interrupted
     */
    public Report run(Progress progress) throws InterruptedException {
        long end;
        try (EventLoops loops = new EventLoops(args.threads())) {
            bootstrap = loops.bootstrap(args.timeout());
            control = new RunControl(args, args.connections());
            for (int i = 0; i < args.connections(); i++) {
                int id = i;
                long delay = args.openLoop() ? (long) (i * 1e9 / args.rate()) : 0;
                EventLoop loop = loops.group().next();
                loop.schedule(() -> open(loop, id), delay, TimeUnit.NANOSECONDS);
            }
            end = RunLoop.run(control, stats, progress, 0);
            closing = true;
            openChannels.writeAndFlush(new CloseWebSocketFrame(1000, "load test done"))
                .awaitUninterruptibly(2, TimeUnit.SECONDS);
            openChannels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        echoLatency.sample();
        double seconds = Math.max(1e-9, (end - control.measureStartNanos()) / 1e9);
        Report.Builder b = Report.builder("ws-storm", args.target().toString(), seconds, stats);
        long failed = stats.connectErrors();
        b.requests(opened.sum() + failed).throughput(opened.sum() / seconds);
        b.put("opened", opened.sum());
        b.put("failed", failed);
        b.put("messagesSent", sent.sum());
        b.put("echoes", echoed.sum());
        b.put("echoMismatches", mismatches.sum());
        b.put("echoLatency", LatencySummary.of(echoLatency.total()));
        b.put("closedByServer", closeWatch.count());
        if (args.watchCloses()) {
            b.put("closes", closeWatch.toMap());
        }
        return b.build();
    }

    private void open(EventLoop loop, int id) {
        if (closing || !control.tryAcquire()) {
            return;
        }
        long started = System.nanoTime();
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
            args.target().uri(), WebSocketVersion.V13, null, false, new DefaultHttpHeaders());
        ChannelFuture f = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast(new ByteCounter(stats, control));
                if (ssl != null) {
                    p.addLast(ssl.newHandler(ch.alloc(), args.target().host(), args.target().port()));
                }
                p.addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536));
                p.addLast(new WsClientHandler(WsStorm.this, handshaker, id, started));
            }
        }).connect(address);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                openFailed(0);
            }
        });
    }

    Args args() {
        return args;
    }

    boolean closing() {
        return closing;
    }

    void opened(Channel ch, long connectNanos) {
        opened.increment();
        stats.latency().recordNanos(connectNanos);
        openChannels.add(ch);
    }

    void openFailed(int status) {
        if (closing) {
            return;
        }
        if (status > 0) {
            stats.countStatus(status);
        }
        stats.recordError(ErrorKind.CONNECT);
        control.release();
    }

    void closedByServer(int code) {
        if (closing) {
            return;
        }
        closeWatch.record(code, System.nanoTime());
        control.release();
    }

    void sent() {
        sent.increment();
    }

    void echoed(long nanos) {
        echoed.increment();
        echoLatency.recordNanos(nanos);
    }

    void echoMismatch() {
        mismatches.increment();
    }
}
