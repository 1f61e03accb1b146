package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Feeds arbitrary strings to the request-id and W3C trace-context checks of {@link ForwardHeaders}: an incoming
 * {@code X-Request-Id} is kept only when it is 1 to 128 visible ASCII characters without quote or backslash (it is
 * echoed into error bodies and logs), otherwise replaced; a {@code traceparent} is kept only when it is well formed
 * by W3C Trace Context (checked here against an independent regular expression).
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpus in
 * {@code src/test/resources/io/edgespot/proxy/server/ForwardHeadersFuzzTestInputs/headers}.
 */
class ForwardHeadersFuzzTest {

    /**
     * W3C Trace Context level 1: version 00 is exactly 55 characters; a later version (not ff) may be longer, and
     * then what follows the flags starts with a dash. Ids are lower-case hex and not all zero.
     */
    private static final Pattern TRACEPARENT = Pattern.compile(
            "(00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2})"
                    + "|((?!00|ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-.*)?)",
            Pattern.DOTALL);
    private static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{32}");

    @FuzzTest(maxDuration = "20s")
    void headers(byte[] input) {
        for (String value : List.of(new String(input, StandardCharsets.ISO_8859_1),
                new String(input, StandardCharsets.UTF_8))) {
            requestId(value);
            assertThat(ForwardHeaders.validTraceparent(value)).as("validTraceparent(%s)", value)
                    .isEqualTo(TRACEPARENT.matcher(value).matches());
        }
        assertThat(ForwardHeaders.validTraceparent(null)).isFalse();
        assertThat(ForwardHeaders.validTraceparent(ForwardHeaders.newTraceparent().toString())).isTrue();
    }

    private static void requestId(String value) {
        HttpHeaders headers = new DefaultHttpHeaders(false).add(ForwardHeaders.X_REQUEST_ID, value);
        String id = ForwardHeaders.requestId(headers);
        assertThat(id).as("request id for %s", value).hasSizeBetween(1, 128);
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            assertThat(c > ' ' && c < 0x7f && c != '"' && c != '\\').as("request id character %s", (int) c).isTrue();
        }
        if (!id.equals(value)) {
            assertThat(id).as("a replaced request id is generated").matches(GENERATED_ID);
        }
        // The id is echoed into the proxy's own error bodies: they stay well-formed JSON that carries it unchanged.
        FullHttpResponse error = ErrorResponses.build(UnpooledByteBufAllocator.DEFAULT, HttpResponseStatus.BAD_GATEWAY,
                "upstream failed", id, false);
        try {
            JsonObject body = JsonParser.parseString(error.content().toString(StandardCharsets.US_ASCII))
                    .getAsJsonObject();
            assertThat(body.get("request_id").getAsString()).isEqualTo(id);
            assertThat(error.headers().get(ForwardHeaders.X_REQUEST_ID)).isEqualTo(id);
        } finally {
            error.release();
        }
    }
}
