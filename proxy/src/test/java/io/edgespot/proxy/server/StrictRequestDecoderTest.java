package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.config.EdgeConfig.Limits;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP/1.1 request head scanner and guard on inputs found by {@link Http1RequestFuzzTest}. */
class StrictRequestDecoderTest {

    private static final Limits LIMITS = new Limits(100, 0, 0, 0, 100, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192,
            100, 1024, 1 << 20, 100, 65_535, 100);

    private final EdgeMetrics metrics = new EdgeMetrics(new PrometheusRegistry());
    private final List<HttpRequest> passed = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    StrictRequestDecoderTest() {
        Http1Timeouts timeouts = new Http1Timeouts(LIMITS.idleTimeout(), LIMITS.headerTimeout(), () -> { });
        channel.pipeline().addLast(timeouts);
        channel.pipeline().addLast(new StrictRequestDecoder(LIMITS.maxUriBytes() + 32, LIMITS.maxHeaderBytes(),
                timeouts::headStarted));
        channel.pipeline().addLast(new RequestGuard(LIMITS, metrics, timeouts));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest r) {
                    passed.add(r);
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    /** Feeds the text in reads of the given sizes (the rest in one read) and returns what was answered. */
    private String feed(String text, int... reads) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int offset = 0;
        for (int n : reads) {
            if (channel.isActive()) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, n));
            }
            offset += n;
        }
        if (offset < bytes.length && channel.isActive()) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, bytes.length - offset));
        }
        channel.checkException();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static int[] bytewise(String text) {
        int[] ones = new int[text.length()];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"whole", "bytewise"})
    void obsFoldIsRefusedHoweverTheHeadArrives(String mode) {
        String request = "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n";
        String answer = feed(request, mode.equals("whole") ? new int[0] : bytewise(request));
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("obs-fold");
        assertThat(passed).isEmpty();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void obsFoldInALaterReadThanItsFieldLineIsRefused() {
        // Netty consumes each complete field line as it arrives; the scan must not lose its place when it does.
        String answer = feed("GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n");
        assertThat(answer).isEmpty();
        answer = feed(" two\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("obs-fold");
        assertThat(passed).isEmpty();
    }

    @Test
    void bareCrAtTheStartOfALineInALaterReadIsRefused() {
        // Found by Http1RequestFuzzTest: this split once let the bare CR through to wait for a line end. A head is
        // judged whole once its empty line has arrived, however it was split; until then nothing is passed on.
        String answer = feed("GET * HTTP/1.1\r\nHost: a\r\n\rd", 5, 6, 8, 6, 2);
        assertThat(answer).isEmpty();
        assertThat(passed).isEmpty();
        answer = feed("\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("bare CR");
        assertThat(passed).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"whole", "bytewise"})
    void bareCrAfterALineEndIsRefused(String mode) {
        String request = "GET / HTTP/1.1\r\nHost: a\r\n\rX: b\r\n\r\n";
        String answer = feed(request, mode.equals("whole") ? new int[0] : bytewise(request));
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("bare CR");
        assertThat(passed).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"whole", "bytewise"})
    void wellFormedHeadsPassHoweverTheyArrive(String mode) {
        String requests = "\r\nG / HTTP/1.1\r\nHost: a\r\nX: \t a b\r\n\r\n"
                + "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n \r\n\t\0"
                + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n";
        String answer = feed(requests, mode.equals("whole") ? new int[0] : bytewise(requests));
        assertThat(answer).isEmpty();
        assertThat(passed).extracting(HttpRequest::uri).containsExactly("/", "/p", "/3");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aClientClosingMidHeadIsNeitherAnsweredNorCountedAsABadRequest() {
        assertThat(feed("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")).isEmpty();
        channel.close();
        assertThat(channel.<Object>readOutbound()).isNull();
        String scrape = new String(metrics.scrape("text/plain").body(), StandardCharsets.UTF_8);
        assertThat(scrape).doesNotContain("reason=\"bad_request\"");
    }
}
