package io.edgespot.loadtest.jmh;

import io.edgespot.cache.CacheRequest;
import io.edgespot.cache.HttpFields;
import io.edgespot.proxy.cache.NettyFields;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
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
 * The cache boundary in the proxy: Netty headers to the cache's {@link HttpFields} and back, and a whole
 * {@link CacheRequest} from a Netty request, for a typical browser request (14 field lines) and a typical stored
 * response (11 field lines).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class NettyFieldsBench {

    private HttpRequest request;
    private HttpFields responseFields;

    @Setup
    public void setUp() {
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/static/app.3f9c2a.js?v=12",
                SampleHeaders.browserRequest());
        responseFields = NettyFields.from(SampleHeaders.originResponse());
    }

    @Benchmark
    public HttpFields requestHeadersToFields() {
        return NettyFields.from(request.headers());
    }

    @Benchmark
    public HttpHeaders fieldsToResponseHeaders() {
        HttpHeaders out = new DefaultHttpHeaders(); // validating, as DefaultHttpResponse in ProxyHandler.serveHit
        NettyFields.copyInto(responseFields, out);
        return out;
    }

    @Benchmark
    public CacheRequest cacheRequest() {
        return NettyFields.request(request, "bench-tenant", "https", "www.example.com");
    }
}
