package io.edgespot.proxy.server;

import io.edgespot.loadtest.jmh.SampleHeaders;
import io.edgespot.proxy.config.EdgeConfig.RetryPolicy;
import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.config.EdgeConfig.RouteMatch;
import io.edgespot.proxy.config.EdgeConfig.RouteTimeouts;
import io.edgespot.proxy.config.EdgeConfig.Server;
import io.edgespot.proxy.config.EdgeConfig.TransportKind;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Header rewriting in the proxy: {@link ForwardHeaders#upstreamRequest} (hop-by-hop out, X-Forwarded-*, Via,
 * request id and traceparent in, the route's own additions) and {@link ForwardHeaders#downstreamResponse}.
 *
 * <p>{@link ForwardHeaders} is package-private; this class sits in the same package (in the loadtest module's
 * benchmark sources) rather than widening the proxy's API. {@code downstreamResponse} rewrites in place, so each
 * call first copies the origin response; {@code copyResponseOnly} measures that copy alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ForwardHeadersBench {

    private ForwardHeaders forwardHeaders;
    private Route route;
    private HttpRequest request;
    private HttpHeaders originHeaders;

    @Setup
    public void setUp() {
        forwardHeaders = new ForwardHeaders(new Server(1, TransportKind.NIO, Duration.ofSeconds(10),
                Duration.ofSeconds(5), false, false, "edgespot"));
        route = new Route(0, new RouteMatch(Optional.of("/static/"), Optional.empty(), Optional.empty(), Set.of(),
                Map.of()), "origin", true, false, Optional.empty(),
                new RouteTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)), new RetryPolicy(1, false, 20),
                Map.of("x-edge-site", "colo-1"), List.of("cookie"), Optional.empty(), Optional.empty(), 1 << 20);
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/static/app.3f9c2a.js?v=12",
                SampleHeaders.browserRequest());
        originHeaders = SampleHeaders.originResponse();
    }

    @Benchmark
    public HttpRequest upstreamRequest() {
        return forwardHeaders.upstreamRequest(request, route, "/static/app.3f9c2a.js?v=12", "203.0.113.7", "https",
                false, false, "4f2c9a1e7b3d5f60a8c2e4b6d8f0a1c3", false);
    }

    @Benchmark
    public HttpResponse downstreamResponse() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                originHeaders.copy());
        forwardHeaders.downstreamResponse(response, false, false);
        return response;
    }

    @Benchmark
    public HttpResponse copyResponseOnly() {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, originHeaders.copy());
    }
}
