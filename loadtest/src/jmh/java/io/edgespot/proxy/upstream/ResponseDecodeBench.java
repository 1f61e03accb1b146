package io.edgespot.proxy.upstream;

import io.edgespot.loadtest.jmh.Drain;
import io.edgespot.loadtest.jmh.SampleHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One exchange on a pooled upstream connection through an {@link EmbeddedChannel}: a GET is encoded, then the
 * origin's response is decoded. The proxy's {@link ResponseDecoder} (package-private, hence this package), which
 * holds its request encoder, beside Netty's {@link HttpClientCodec} as the proxy used it before, with the same
 * limits.
 *
 * <p>{@code small}: the origin response of {@link SampleHeaders#originResponse()} (11 field lines) with a 1 KiB
 * body; {@code chunked}: the same fields, chunked, in four chunks of 256 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ResponseDecodeBench {

    @Param({"small", "chunked"})
    public String response;

    private ByteBuf bytes;
    private EmbeddedChannel edgespot;
    private EmbeddedChannel netty;

    @Setup
    public void setUp() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        SampleHeaders.originResponse().forEach(e -> {
            boolean framing = e.getKey().equalsIgnoreCase("Content-Length");
            if (!framing) {
                head.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
            }
        });
        String body = "x".repeat(1024);
        String text;
        if ("small".equals(response)) {
            text = head + "Content-Length: 1024\r\n\r\n" + body;
        } else {
            String chunk = "100\r\n" + "x".repeat(256) + "\r\n";
            text = head + "Transfer-Encoding: chunked\r\n\r\n" + chunk.repeat(4) + "0\r\n\r\n";
        }
        bytes = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        edgespot = new EmbeddedChannel(new ResponseDecoder(64 * 1024));
        netty = new EmbeddedChannel(new HttpClientCodec(8192, 64 * 1024, 64 * 1024, true));
    }

    @TearDown
    public void tearDown() {
        edgespot.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        bytes.release();
    }

    @Benchmark
    public int edgespot() {
        return exchange(edgespot);
    }

    @Benchmark
    public int nettyClientCodec() {
        return exchange(netty);
    }

    private int exchange(EmbeddedChannel channel) {
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/static/app.js");
        get.headers().set(HttpHeaderNames.HOST, "origin.internal");
        channel.writeOutbound(get);
        Drain.outbound(channel);
        channel.writeInbound(bytes.retainedDuplicate());
        return Drain.inboundMessage(channel, "response");
    }
}
