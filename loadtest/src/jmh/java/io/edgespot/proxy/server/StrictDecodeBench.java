package io.edgespot.proxy.server;

import io.edgespot.loadtest.jmh.Drain;
import io.edgespot.loadtest.jmh.SampleHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
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
 * Decoding one HTTP/1.1 request and encoding its answer through an {@link EmbeddedChannel}: the proxy's
 * {@link StrictRequestDecoder} (package-private, hence this package), which holds its response encoder, beside
 * Netty's {@link HttpServerCodec} with the same limits but its lenient defaults: edgespot's decoder with its
 * smuggling checks against Netty's.
 *
 * <p>{@code get}: a browser GET of 14 field lines (about 900 bytes, no body). {@code post}: a small API POST with a
 * 1 KiB Content-Length body. Each operation writes the whole request at once, releases what comes out, and writes
 * an empty 200 back (which also takes the request off the decoder's queue of HEAD flags).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StrictDecodeBench {

    @Param({"get", "post"})
    public String request;

    private ByteBuf bytes;
    private EmbeddedChannel strict;
    private EmbeddedChannel lenient;

    @Setup
    public void setUp() {
        String text;
        if ("get".equals(request)) {
            text = SampleHeaders.browserRequestHead();
        } else {
            text = "POST /api/v1/orders HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1024\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl\r\n"
                    + "Accept: application/json\r\n\r\n" + "x".repeat(1024);
        }
        bytes = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        strict = new EmbeddedChannel(new StrictRequestDecoder(8192 + 32, 16384, () -> { }));
        lenient = new EmbeddedChannel(new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192 + 32).setMaxHeaderSize(16384).setMaxChunkSize(16 * 1024)));
    }

    @TearDown
    public void tearDown() {
        strict.finishAndReleaseAll();
        lenient.finishAndReleaseAll();
        bytes.release();
    }

    @Benchmark
    public int strict() {
        return exchange(strict);
    }

    @Benchmark
    public int nettyDefault() {
        return exchange(lenient);
    }

    private int exchange(EmbeddedChannel channel) {
        channel.writeInbound(bytes.retainedDuplicate());
        int n = Drain.inboundMessage(channel, "request");
        FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        ok.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        channel.writeOutbound(ok);
        Drain.outbound(channel);
        return n;
    }
}
