package io.edgespot.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.edgespot.proxy.http.Http1Grammar;
import io.edgespot.proxy.testing.ReadSizes;
import io.edgespot.proxy.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Feeds arbitrary bytes from an origin into {@link ResponseDecoder}, after four requests whose kinds (GET, HEAD,
 * upgrade) the input's first byte picks, and checks what response splitting and desynchronisation defences rest on:
 * <ul>
 *   <li>no exception leaves the pipeline;</li>
 *   <li>every head passed on has a status from 100 to 599, token field names, values without control characters
 *       or surrounding whitespace, at most one Content-Length and never one beside Transfer-Encoding;</li>
 *   <li>a body with a Content-Length that ends has exactly that many bytes; a HEAD, 204 or 304 answer has none;</li>
 *   <li>what is passed on, and whether and where the input is refused, do not depend on how the bytes are split
 *       into reads;</li>
 *   <li>every buffer is released.</li>
 * </ul>
 * Without {@code JAZZER_FUZZ=1} this replays the seed corpus in
 * {@code src/test/resources/io/edgespot/proxy/upstream/ResponseDecoderFuzzTestInputs/responses}.
 */
class ResponseDecoderFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void responses(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String whole = run(input, new int[] {input.length - 1});
        int[] reads = ReadSizes.of(input, input.length - 1);
        String split = run(input, reads);
        assertThat(split).as("decoded in reads of %s", Arrays.toString(reads)).isEqualTo(whole);
    }

    /** Decodes {@code input[1..]} in the given reads and then a close; returns the transcript, body pieces joined. */
    private static String run(byte[] input, int[] reads) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new ResponseDecoder(512));
        List<HttpMethod> kinds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int k = (input[0] >> (2 * i)) & 3;
            DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    k == 1 ? HttpMethod.HEAD : HttpMethod.GET, "/", alloc.buffer(0));
            if (k == 2) {
                r.headers().set(HttpHeaderNames.UPGRADE, "websocket");
            }
            kinds.add(r.method());
            channel.writeOutbound(r);
        }
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        Transcript t = new Transcript(kinds);
        int offset = 1;
        for (int n : reads) {
            ByteBuf buf = alloc.buffer(n);
            buf.writeBytes(input, offset, n);
            offset += n;
            channel.writeInbound(buf);
            channel.checkException();
            t.take(channel);
        }
        channel.close();
        channel.checkException();
        t.take(channel);
        channel.finishAndReleaseAll();
        alloc.assertAllReleased();
        return String.join(" ", t.events);
    }

    /** What came out, checked as it comes. */
    private static final class Transcript {
        private final List<HttpMethod> kinds;
        /** Heads, body and raw pieces, ends and refusals; consecutive pieces of one kind are joined. */
        private final List<String> events = new ArrayList<>();
        private int finals;
        private long contentLength = -1;
        private long bodyBytes;
        private boolean noBody;
        private boolean failed;

        Transcript(List<HttpMethod> kinds) {
            this.kinds = kinds;
        }

        void take(EmbeddedChannel channel) {
            for (Object o; (o = channel.readInbound()) != null; ) {
                try {
                    take(o);
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
        }

        private void take(Object o) {
            assertThat(failed).as("nothing after a refusal").isFalse();
            if (o instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    failed = true;
                    events.add("FAIL");
                    return;
                }
                head(r); // a whole response goes on with its body below
            }
            if (o instanceof HttpContent c) {
                if (c.decoderResult().isFailure()) {
                    failed = true;
                    events.add("FAIL");
                    return;
                }
                int n = c.content().readableBytes();
                assertThat(noBody && n > 0).as("a body where none may be").isFalse();
                bodyBytes += n;
                piece("body:", c.content());
                if (c instanceof LastHttpContent last) {
                    if (contentLength >= 0 && !noBody) {
                        assertThat(bodyBytes).as("body length against Content-Length").isEqualTo(contentLength);
                    }
                    for (Map.Entry<String, String> e : last.trailingHeaders()) {
                        field(e.getKey(), e.getValue());
                    }
                    events.add("end");
                }
            }
            if (o instanceof ByteBuf b) {
                piece("raw:", b);
            }
        }

        /** Pieces differ with the reads; what they add up to does not. */
        private void piece(String kind, ByteBuf content) {
            String bytes = content.toString(StandardCharsets.ISO_8859_1);
            int last = events.size() - 1;
            if (last >= 0 && events.get(last).startsWith(kind)) {
                events.set(last, events.get(last) + bytes);
            } else {
                events.add(kind + bytes);
            }
        }

        private void head(HttpResponse r) {
            int code = r.status().code();
            assertThat(code).isBetween(100, 599);
            StringBuilder text = new StringBuilder().append(code).append(' ');
            List<String> lengths = r.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
            assertThat(lengths).as("Content-Length fields").hasSizeLessThanOrEqualTo(1);
            if (!lengths.isEmpty()) {
                assertThat(r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).as("both framings").isFalse();
            }
            for (Map.Entry<String, String> e : r.headers()) {
                field(e.getKey(), e.getValue());
                text.append(e.getKey()).append(':').append(e.getValue()).append('|');
            }
            events.add(text.toString());
            if (code >= 200) {
                HttpMethod kind = finals < kinds.size() ? kinds.get(finals) : HttpMethod.GET;
                finals++;
                noBody = kind.equals(HttpMethod.HEAD) || code == 204 || code == 304;
                contentLength = lengths.isEmpty() ? -1 : Long.parseLong(lengths.get(0));
                bodyBytes = 0;
            }
        }

        private static void field(String name, String value) {
            assertThat(name).isNotEmpty();
            for (int i = 0; i < name.length(); i++) {
                assertThat(Http1Grammar.isTchar(name.charAt(i) & 0xff)).as("token name %s", name).isTrue();
            }
            for (int i = 0; i < value.length(); i++) {
                assertThat(Http1Grammar.isFieldByte(value.charAt(i) & 0xff)).as("value of %s", name).isTrue();
            }
            if (!value.isEmpty()) {
                assertThat(value.charAt(0)).isNotIn(' ', '\t');
                assertThat(value.charAt(value.length() - 1)).isNotIn(' ', '\t');
            }
        }
    }
}
