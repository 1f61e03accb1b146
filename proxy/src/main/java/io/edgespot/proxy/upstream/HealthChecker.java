package io.edgespot.proxy.upstream;

import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.edgespot.proxy.config.EdgeConfig.HealthCheck;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Active HTTP health checks: every interval, one {@code GET} per endpoint on a fresh connection (TLS as the
 * cluster's traffic), a 2xx passing. An endpoint turns unhealthy after the unhealthy threshold of consecutive
 * failures and healthy again after the healthy threshold of consecutive passes. Over HTTP/1.1 the answer is read by
 * the strict decoder the proxy reads origins' responses with, so an endpoint whose answers the proxy would refuse
 * (502) does not pass.
 *
 * <p>Runs on one event loop; probes are small and bounded by the check's timeout.
 */
public final class HealthChecker {

    private final EventLoop loop;
    private final Connector connector;
    private final EdgeMetrics metrics;
    private final Map<ClusterState, ScheduledFuture<?>> tasks = new IdentityHashMap<>();
    private final Map<EndpointState, int[]> streaks = new IdentityHashMap<>();

    public HealthChecker(EventLoop loop, Connector connector, EdgeMetrics metrics) {
        this.loop = loop;
        this.connector = connector;
        this.metrics = metrics;
    }

    /** Checks these clusters from now on, replacing the previous set (clusters kept keep their schedule). */
    public void start(List<ClusterState> clusters) {
        loop.execute(() -> {
            List<ClusterState> gone = new ArrayList<>(tasks.keySet());
            for (ClusterState c : clusters) {
                gone.remove(c);
                report(c);
                if (c.config().healthCheck().isPresent() && !tasks.containsKey(c)) {
                    long every = c.config().healthCheck().get().interval().toNanos();
                    tasks.put(c, loop.scheduleWithFixedDelay(() -> checkAll(c), 0, every, TimeUnit.NANOSECONDS));
                }
            }
            for (ClusterState c : gone) {
                tasks.remove(c).cancel(false);
                c.endpoints().forEach(streaks::remove);
            }
        });
    }

    public void stop() {
        loop.execute(() -> {
            tasks.values().forEach(t -> t.cancel(false));
            tasks.clear();
        });
    }

    private void checkAll(ClusterState c) {
        HealthCheck hc = c.config().healthCheck().orElseThrow();
        for (EndpointState e : c.endpoints()) {
            probe(c, e, hc).addListener(f -> {
                record(c, e, hc, f.isSuccess() && Boolean.TRUE.equals(f.getNow()));
            });
        }
    }

    private void record(ClusterState c, EndpointState e, HealthCheck hc, boolean passed) {
        int[] s = streaks.computeIfAbsent(e, k -> new int[2]); // [passes, failures]
        if (passed) {
            s[0]++;
            s[1] = 0;
            if (!e.activeHealthy() && s[0] >= hc.healthyThreshold()) {
                e.setActiveHealthy(true);
            }
            e.onActiveCheckPassed();
        } else {
            s[1]++;
            s[0] = 0;
            if (e.activeHealthy() && s[1] >= hc.unhealthyThreshold()) {
                e.setActiveHealthy(false);
            }
        }
        report(c);
    }

    private void report(ClusterState c) {
        long now = System.nanoTime();
        int healthy = 0;
        for (EndpointState e : c.endpoints()) {
            healthy += e.available(now) ? 1 : 0;
        }
        metrics.endpointHealth(c.tenant(), c.name(), healthy, c.endpoints().size());
    }

    private Promise<Boolean> probe(ClusterState c, EndpointState e, HealthCheck hc) {
        Promise<Boolean> result = loop.newPromise();
        Endpoint ep = e.endpoint();
        SslContext ssl = c.sslContext();
        boolean wantH2 = c.config().http2();
        String name = c.config().tls().flatMap(t -> t.sni()).orElse(ep.host());
        int timeoutMillis = (int) Math.max(1, hc.timeout().toMillis());
        ProbeHandler answer = new ProbeHandler(result);
        Bootstrap b = connector.bootstrap(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ReadsOffAtClose.addFirstIfIoUring(ch);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), name, ep.port()));
                        }
                        if (!wantH2) {
                            ch.pipeline().addLast(new ResponseDecoder(UpstreamPool.MAX_RESPONSE_HEAD_BYTES), answer);
                        }
                    }
                });
        c.config().sourceAddress().ifPresent(a -> b.localAddress(a, 0));
        io.netty.channel.ChannelFuture cf = b.connect(ep.host(), ep.port());
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                result.trySuccess(false);
                return;
            }
            Channel ch = cf.channel();
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, hc.path());
            req.headers().set(HttpHeaderNames.HOST, name)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "edgespot-health");
            if (!wantH2) {
                ch.writeAndFlush(req);
                return;
            }
            // An HTTP/2 cluster checks over the protocol its exchanges would use: h2 by prior knowledge on plain
            // TCP, else what ALPN chose.
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            Future<Channel> handshake = tls == null ? loop.newSucceededFuture(ch) : tls.handshakeFuture();
            handshake.addListener(h -> {
                if (!h.isSuccess()) {
                    result.trySuccess(false);
                    ch.close();
                } else if (tls != null && !ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                    ch.pipeline().addLast(new ResponseDecoder(UpstreamPool.MAX_RESPONSE_HEAD_BYTES), answer);
                    ch.writeAndFlush(req);
                } else {
                    H2Connection.installOn(ch.pipeline(), H2Connection.newCodec(), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    });
                    H2Connection.openStream(ch, answer).addListener(s -> {
                        if (s.isSuccess()) {
                            ((Channel) s.getNow()).writeAndFlush(req);
                            ((Channel) s.getNow()).read();
                        } else {
                            result.trySuccess(false);
                            ch.close();
                        }
                    });
                    result.addListener(done -> ch.close());
                }
            });
        });
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            result.trySuccess(false);
            cf.channel().close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(f -> timeout.cancel(false));
        return result;
    }

    /** Reads the probe's answer: any 2xx passes; an error, a close or anything else fails. */
    private static final class ProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Promise<Boolean> result;

        ProbeHandler(Promise<Boolean> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                // a response the strict decoder refused fails, as the proxy would answer 502 for it
                result.trySuccess(r.decoderResult().isSuccess() && r.status().code() / 100 == 2);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.trySuccess(false);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(false);
        }
    }
}
