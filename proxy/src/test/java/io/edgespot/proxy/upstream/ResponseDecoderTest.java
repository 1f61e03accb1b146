package io.edgespot.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The upstream response decoder on its own, fed bytes in one read and byte by byte (every split must decode the
 * same), with the request encoder beside it as on a pooled connection. Each case renders what the decoder emitted
 * as text: {@code 200 OK [Name: value, ...]} for a head, {@code body(...)} for each body piece, {@code end} or
 * {@code end[trailers]} for the last one, {@code raw(...)} for bytes after an upgrade, {@code FAIL(problem)} for a
 * refusal.
 */
class ResponseDecoderTest {

    private static final int MAX_HEAD = 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new ResponseDecoder(MAX_HEAD));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void request(HttpMethod method, String... headers) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        channel.writeOutbound(r);
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }

    /** Feeds the text in one read, or one byte per read, and renders what came out. */
    private String decode(String text, boolean bytewise) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        if (bytewise) {
            for (byte b : bytes) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        return render();
    }

    private String render() {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = channel.readInbound()) != null; ) {
            try {
                if (out.length() > 0) {
                    out.append(' ');
                }
                if (o instanceof HttpResponse r) {
                    if (r.decoderResult().isFailure()) {
                        out.append("FAIL(").append(r.decoderResult().cause().getMessage()).append(')');
                        continue;
                    }
                    out.append(r.status().code()).append(' ').append(r.status().reasonPhrase()).append(" [");
                    int i = 0;
                    for (Map.Entry<String, String> h : r.headers()) {
                        out.append(i++ > 0 ? ", " : "").append(h.getKey()).append(": ").append(h.getValue());
                    }
                    out.append(']');
                    if (o instanceof HttpContent) {
                        out.append(' '); // a whole response: its body follows
                    }
                }
                if (o instanceof HttpContent c) {
                    if (c.decoderResult().isFailure()) {
                        out.append("FAIL(").append(c.decoderResult().cause().getMessage()).append(')');
                        continue;
                    }
                    if (c.content().isReadable()) {
                        out.append("body(").append(c.content().toString(StandardCharsets.ISO_8859_1)).append(") ");
                    }
                    if (c instanceof LastHttpContent last) {
                        out.append("end");
                        if (!last.trailingHeaders().isEmpty()) {
                            out.append(last.trailingHeaders().entries());
                        }
                    } else {
                        out.setLength(out.length() - 1);
                    }
                } else if (o instanceof ByteBuf b) {
                    out.append("raw(").append(b.toString(StandardCharsets.ISO_8859_1)).append(')');
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return out.toString();
    }

    /** Decodes the same bytes in one read and byte by byte, on two fresh decoders, and checks both agree. */
    private static String both(HttpMethod method, String text) {
        ResponseDecoderTest whole = new ResponseDecoderTest();
        ResponseDecoderTest bytes = new ResponseDecoderTest();
        try {
            whole.request(method);
            bytes.request(method);
            String a = whole.decode(text, false);
            String b = bytes.decode(text, true);
            assertThat(collapse(b)).as("byte by byte, body pieces joined").isEqualTo(collapse(a));
            return a;
        } finally {
            whole.close();
            bytes.close();
        }
    }

    /** Joins consecutive body pieces, which differ with the reads. */
    private static String collapse(String rendered) {
        String s = rendered;
        String joined;
        while (!(joined = s.replaceFirst("body\\(([^)]*)\\) body\\(([^)]*)\\)", "body($1$2)")).equals(s)) {
            s = joined;
        }
        return s;
    }

    @Test
    void contentLengthBody() {
        assertThat(both(HttpMethod.GET, "HTTP/1.1 200 OK\r\nContent-Type:  text/plain \t\r\nContent-Length: 5\r\n"
                + "X-Empty:\r\n\r\nhello"))
                .isEqualTo("200 OK [Content-Type: text/plain, Content-Length: 5, X-Empty: ] body(hello) end");
    }

    @Test
    void aBodyThatCameWithItsHeadIsOneMessageAndALaterOneFollowsIt() {
        request(HttpMethod.GET);
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                StandardCharsets.US_ASCII));
        FullHttpResponse whole = channel.readInbound();
        assertThat(whole.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat((Object) channel.readInbound()).isNull();
        whole.release();
        request(HttpMethod.GET);
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
                StandardCharsets.US_ASCII));
        HttpResponse head = channel.readInbound();
        assertThat(head).isNotInstanceOf(HttpContent.class);
        assertThat(render()).isEqualTo("body(hel)");
        assertThat(decode("lo", false)).isEqualTo("body(lo) end");
    }

    @Test
    void standardReasonIsTheConstantAndAnotherIsKept() {
        request(HttpMethod.GET);
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                StandardCharsets.US_ASCII));
        HttpResponse r = channel.readInbound();
        assertThat(r.status()).isSameAs(HttpResponseStatus.NOT_FOUND);
        ReferenceCountUtil.release(channel.readInbound());
        assertThat(decodeAfter(HttpMethod.GET, "HTTP/1.1 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n"))
                .isEqualTo("404 Gone Fishing [Content-Length: 0] end");
        assertThat(decodeAfter(HttpMethod.GET, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"))
                .isEqualTo("200  [Content-Length: 0] end");
    }

    private String decodeAfter(HttpMethod method, String text) {
        request(method);
        return decode(text, false);
    }

    @Test
    void fieldNamesKeepTheirCase() {
        request(HttpMethod.GET);
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh: 0\r\nX-Trace-ID: a\r\n\r\n",
                StandardCharsets.US_ASCII));
        HttpResponse r = channel.readInbound();
        assertThat(r.headers().names()).containsExactly("cOnTeNt-LeNgTh", "X-Trace-ID");
        assertThat(r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isZero();
        ReferenceCountUtil.release(channel.readInbound());
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() {
        assertThat(both(HttpMethod.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "5 ;name=\"v\"\r\nhello\r\n00007\r\n, world\r\n0\r\nX-Sum: 12\r\nContent-Length: 9\r\n\r\n"))
                .isEqualTo("200 OK [Transfer-Encoding: Chunked] body(hello) body(, world) end[X-Sum=12]");
        assertThat(both(HttpMethod.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
                .isEqualTo("200 OK [Transfer-Encoding: chunked] body(abc) end");
    }

    @Test
    void responsesWithoutABody() {
        assertThat(both(HttpMethod.HEAD, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
                .isEqualTo("200 OK [Content-Length: 5] end");
        assertThat(both(HttpMethod.HEAD, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isEqualTo("200 OK [] end");
        assertThat(both(HttpMethod.GET, "HTTP/1.1 204 No Content\r\n\r\n")).isEqualTo("204 No Content [] end");
        assertThat(both(HttpMethod.GET, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 99\r\n\r\n"))
                .isEqualTo("304 Not Modified [ETag: \"x\", Content-Length: 99] end");
        assertThat(both(HttpMethod.GET, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
                .isEqualTo("200 OK [Content-Length: 0] end");
    }

    @Test
    void theRequestKindPairsWithItsResponseOnAReusedConnection() {
        request(HttpMethod.HEAD);
        request(HttpMethod.GET);
        assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                + "\r\nabc", false))
                .as("the HEAD's answer has no body; an empty line between responses is skipped")
                .isEqualTo("200 OK [Content-Length: 3] end 200 OK [Content-Length: 3] body(abc) end");
    }

    @Test
    void aBodyWithoutFramingEndsWithTheClose() {
        request(HttpMethod.GET);
        assertThat(decode("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nuntil ", false))
                .isEqualTo("200 OK [Server: old] body(until )");
        assertThat(decode("the end", true)).isEqualTo("body(t) body(h) body(e) body( ) body(e) body(n) body(d)");
        channel.close();
        assertThat(render()).isEqualTo("end");
    }

    @Test
    void aCloseInsideACountedBodyEmitsNoEnd() {
        request(HttpMethod.GET);
        assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false))
                .isEqualTo("200 OK [Content-Length: 10] body(short)");
        channel.close();
        assertThat(render()).isEmpty();
    }

    @Test
    void interimResponsesComeAloneBeforeTheFinalOne() {
        assertThat(both(HttpMethod.GET, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n"
                + "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .isEqualTo("100 Continue [] 103 Early Hints [Link: </s.css>] 200 OK [Content-Length: 2] body(ok) end");
    }

    @Test
    void switchingProtocolsHandsTheFollowingBytesOnRaw() {
        request(HttpMethod.GET, "Upgrade", "websocket", "Connection", "Upgrade");
        assertThat(decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi", false))
                .isEqualTo("101 Switching Protocols [Upgrade: websocket] raw(\u0081\u0002hi)");
        assertThat(decode("more", false)).isEqualTo("raw(more)");
    }

    @Test
    void switchingProtocolsWithoutAnUpgradeRequestIsRefused() {
        request(HttpMethod.GET);
        assertThat(decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nxx", false))
                .isEqualTo("FAIL(101 Switching Protocols without an upgrade request)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            garbage                  | HELLO THERE\\r\\n\\r\\n                                    | invalid status line
            HTTP/0.9 body            | <html>hi</html>\\n\\n                                      | invalid status line
            HTTP/2 status line       | HTTP/2.0 200 OK\\r\\n\\r\\n                                | invalid status line
            status 99                | HTTP/1.1 099 Low\\r\\n\\r\\n                               | invalid status code
            status 600               | HTTP/1.1 600 High\\r\\n\\r\\n                              | invalid status code
            four-digit status        | HTTP/1.1 2000 Long\\r\\n\\r\\n                             | invalid status line
            hex status               | HTTP/1.1 2x0 Hex\\r\\n\\r\\n                               | invalid status line
            bare LF line ends        | HTTP/1.1 200 OK\\nContent-Length: 0\\n\\n                  | control character in the status line
            bare LF in a field       | HTTP/1.1 200 OK\\r\\nA: b\\nContent-Length: 0\\r\\n\\r\\n   | bare LF in a field line
            NUL in a value           | HTTP/1.1 200 OK\\r\\nX-Bad: a\\0b\\r\\n\\r\\n              | control character in a field value
            bare CR in a value       | HTTP/1.1 200 OK\\r\\nX-Bad: a\\rSet-Cookie: x=1\\r\\n\\r\\n | bare CR in a field value
            DEL in a value           | HTTP/1.1 200 OK\\r\\nX-Bad: a\\u007fb\\r\\n\\r\\n          | control character in a field value
            obs-fold                 | HTTP/1.1 200 OK\\r\\nX-A: a\\r\\n  folded\\r\\n\\r\\n      | obs-fold or whitespace at the start of a field line
            space before colon       | HTTP/1.1 200 OK\\r\\nX-A : a\\r\\n\\r\\n                    | invalid field name
            empty name               | HTTP/1.1 200 OK\\r\\n: a\\r\\n\\r\\n                        | invalid field name
            no colon                 | HTTP/1.1 200 OK\\r\\nNoColon\\r\\n\\r\\n                    | invalid field name
            two Content-Lengths      | HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Length: 2\\r\\n\\r\\nok | more than one Content-Length field
            Content-Length list      | HTTP/1.1 200 OK\\r\\nContent-Length: 2, 2\\r\\n\\r\\nok     | invalid Content-Length
            signed Content-Length    | HTTP/1.1 200 OK\\r\\nContent-Length: +2\\r\\n\\r\\nok       | invalid Content-Length
            empty Content-Length     | HTTP/1.1 200 OK\\r\\nContent-Length:\\r\\n\\r\\n            | invalid Content-Length
            huge Content-Length      | HTTP/1.1 200 OK\\r\\nContent-Length: 9999999999999999999\\r\\n\\r\\n | invalid Content-Length
            both framings            | HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | both Content-Length and Transfer-Encoding
            gzip coding              | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | Transfer-Encoding other than chunked
            two Transfer-Encodings   | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | more than one Transfer-Encoding field
            """)
    void malformedHeadsAreRefused(String name, String text, String problem) {
        assertThat(both(HttpMethod.GET, unescape(text.strip()))).isEqualTo("FAIL(" + problem + ")");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not hex               | zz\\r\\n                                 | invalid chunk size line
            no digits             | ;x\\r\\nab\\r\\n                          | invalid chunk size line
            overflow              | 80000000\\r\\n                           | chunk size overflow
            junk after the size   | 3x\\r\\nabc\\r\\n                         | invalid chunk size line
            bare LF after size    | 3\\nabc\\r\\n                             | invalid chunk size line
            control in extension  | 3;a=\\0\\r\\nabc\\r\\n                    | control character in a chunk extension
            data without CRLF     | 3\\r\\nabcX\\r\\n                         | chunk data not followed by CRLF
            trailer obs-fold      | 0\\r\\nX: a\\r\\n b\\r\\n\\r\\n               | obs-fold or whitespace at the start of a field line
            trailer bad name      | 0\\r\\nX Y: a\\r\\n\\r\\n                   | invalid field name
            """)
    void malformedChunkedBodiesFailAfterTheHead(String name, String body, String problem) {
        String rendered = both(HttpMethod.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + unescape(body.strip()));
        assertThat(rendered).startsWith("200 OK [Transfer-Encoding: chunked]").endsWith(" FAIL(" + problem + ")");
    }

    @Test
    void oversizedHeadsAndChunkLinesAreRefused() {
        String big = "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(MAX_HEAD) + "\r\n\r\n";
        assertThat(both(HttpMethod.GET, big)).isEqualTo("FAIL(response head larger than " + MAX_HEAD + " bytes)");
        String unended = "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(MAX_HEAD);
        assertThat(both(HttpMethod.GET, unended)).isEqualTo("FAIL(response head larger than " + MAX_HEAD + " bytes)");
        String longLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(5000);
        assertThat(both(HttpMethod.GET, longLine)).isEqualTo("200 OK [Transfer-Encoding: chunked] FAIL(chunk size line "
                + "longer than " + ResponseDecoder.MAX_CHUNK_LINE + " bytes)");
    }

    @Test
    void everythingAfterARefusalIsDiscarded() {
        request(HttpMethod.GET);
        request(HttpMethod.GET);
        assertThat(decode("HTTP/1.1 200 OK\r\nX: a\0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false))
                .isEqualTo("FAIL(control character in a field value)");
        assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false)).isEmpty();
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0").replace("\\u007f", "\u007f");
    }
}
