package io.edgespot.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * edgespot's HTTP/1.1 encoders against Netty's, message sequence by message sequence: the bytes on the wire must be
 * the same, and every buffer released. What differs is how many buffers carry them, which the last tests check.
 */
class Http1EncoderTest {

    private static final byte[] KIB = filled(1024);
    private static final byte[] FOUR_KIB = filled(4096);

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** Netty's response encoder, told which requests were HEADs the way the removed HeadAwareResponseEncoder was. */
    private static final class NettyResponses extends HttpResponseEncoder {
        private final ArrayDeque<Boolean> heads;

        NettyResponses(ArrayDeque<Boolean> heads) {
            this.heads = heads;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                return super.isContentAlwaysEmpty(msg);
            }
            Boolean head = heads.poll();
            return head != null && head || super.isContentAlwaysEmpty(msg);
        }
    }

    /** The pipeline slot that holds an edgespot encoder, as the decoders do. */
    private static final class Slot extends ChannelOutboundHandlerAdapter {
        private final Http1Encoder<?> encoder;

        Slot(Http1Encoder<?> encoder) {
            this.encoder = encoder;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            encoder.write(ctx, msg, promise);
        }
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.copiedBuffer(b);
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static HttpResponse response(HttpResponseStatus status, String... fields) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    private static DefaultFullHttpResponse whole(HttpResponseStatus status, ByteBuf body, String... fields) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    private static LastHttpContent last(ByteBuf body, String... trailers) {
        LastHttpContent l = new DefaultLastHttpContent(body);
        for (int i = 0; i < trailers.length; i += 2) {
            l.trailingHeaders().add(trailers[i], trailers[i + 1]);
        }
        return l;
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                resp("a small whole response", List.of(false),
                        () -> List.of(whole(HttpResponseStatus.OK, buf(KIB), "Content-Length", "1024", "X-A", "b"))),
                resp("a larger whole response", List.of(false),
                        () -> List.of(whole(HttpResponseStatus.OK, buf(FOUR_KIB), "Content-Length", "4096"))),
                resp("a whole response without a body", List.of(false),
                        () -> List.of(whole(HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER, "Content-Length", "0"))),
                resp("a head and body pieces", List.of(false),
                        () -> List.of(response(HttpResponseStatus.OK, "Content-Length", "5000"),
                                new DefaultHttpContent(buf(FOUR_KIB)), new DefaultHttpContent(Unpooled.EMPTY_BUFFER),
                                last(buf(Arrays.copyOf(KIB, 904)), "X-Dropped", "1"))),
                resp("a chunked body with trailers", List.of(false),
                        () -> List.of(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"),
                                new DefaultHttpContent(buf("hello")), new DefaultHttpContent(Unpooled.EMPTY_BUFFER),
                                new DefaultHttpContent(buf(FOUR_KIB)), new DefaultHttpContent(buf(KIB)),
                                last(buf("bye"), "X-Sum", "12", "X-Other", "z"))),
                resp("a chunked body ending empty", List.of(false),
                        () -> List.of(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"),
                                new DefaultHttpContent(buf("x")), LastHttpContent.EMPTY_LAST_CONTENT)),
                resp("a whole chunked response", List.of(false, false),
                        () -> List.of(whole(HttpResponseStatus.OK, buf("abc"), "Transfer-Encoding", "chunked"),
                                whole(HttpResponseStatus.OK, buf(FOUR_KIB), "Transfer-Encoding", "chunked"))),
                resp("answers to HEAD have no body", List.of(true, true),
                        () -> List.of(response(HttpResponseStatus.OK, "Content-Length", "5"), last(buf("hello")),
                                whole(HttpResponseStatus.OK, buf("ignored"), "Transfer-Encoding", "chunked"))),
                resp("204 loses its framing fields, 205 gets Content-Length 0, 304 keeps its own",
                        List.of(false, false, false),
                        () -> List.of(whole(HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, "Content-Length", "3"),
                                whole(HttpResponseStatus.RESET_CONTENT, Unpooled.EMPTY_BUFFER,
                                        "Transfer-Encoding", "chunked"),
                                response(HttpResponseStatus.NOT_MODIFIED, "Content-Length", "99", "ETag", "\"e\""),
                                LastHttpContent.EMPTY_LAST_CONTENT)),
                resp("interim responses answer no request yet", List.of(true),
                        () -> List.of(whole(HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER, "Content-Length", "0"),
                                whole(HttpResponseStatus.valueOf(103), Unpooled.EMPTY_BUFFER, "Link", "</s.css>"),
                                whole(HttpResponseStatus.OK, buf("x"), "Content-Length", "1"))),
                resp("reason phrases, versions and characters", List.of(false, false, false),
                        () -> List.of(whole(new HttpResponseStatus(200, ""), Unpooled.EMPTY_BUFFER),
                                whole(new HttpResponseStatus(299, "Very Fine"), buf("é"), "X-Utf", "naïve €"),
                                asciiFields())),
                resp("switching protocols; bytes in a body, an empty write between messages", List.of(false, false),
                        () -> List.of(response(HttpResponseStatus.SWITCHING_PROTOCOLS, "Upgrade", "websocket",
                                "Connection", "Upgrade"), LastHttpContent.EMPTY_LAST_CONTENT, Unpooled.EMPTY_BUFFER,
                                response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"), buf("raw"),
                                LastHttpContent.EMPTY_LAST_CONTENT)));
    }

    private static HttpResponse asciiFields() {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        byte[] head = "X-Obs: caf\u00e9 ok".getBytes(StandardCharsets.ISO_8859_1);
        r.headers().add(new AsciiString(head, 0, 5, false), new AsciiString(head, 7, head.length - 7, false));
        return r;
    }

    private static Arguments resp(String name, List<Boolean> heads, Supplier<List<Object>> messages) {
        return Arguments.of(name, heads, messages);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void responsesAreTheBytesNettyWrites(String name, List<Boolean> heads, Supplier<List<Object>> messages) {
        byte[] netty = encode(new NettyResponses(new ArrayDeque<>(heads)), messages.get());
        byte[] ours = encode(new Slot(new ResponseEncoder(new ArrayDeque<>(heads))), messages.get());
        assertThat(new String(ours, StandardCharsets.ISO_8859_1)).isEqualTo(new String(netty, StandardCharsets.ISO_8859_1));
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("a request without a body", (Supplier<List<Object>>) () -> List.of(
                        get("/a/b?c=d", "Host", "o.test", "X-Forwarded-For", "192.0.2.1"))),
                Arguments.of("targets Netty fixes up", (Supplier<List<Object>>) () -> List.of(
                        get(""), get("http://o.test"), get("http://o.test?q=1"), get("http://o.test/p?q=/"),
                        get("/caf\u00e9"), get("*"))),
                Arguments.of("a counted body in pieces", (Supplier<List<Object>>) () -> List.of(
                        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/up", headers("Content-Length",
                                "5120")), new DefaultHttpContent(buf(FOUR_KIB)), last(buf(KIB)))),
                Arguments.of("a chunked body", (Supplier<List<Object>>) () -> List.of(
                        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up", headers(
                                "Transfer-Encoding", "chunked")), new DefaultHttpContent(buf("0123456789abcdefg")),
                        last(buf(FOUR_KIB), "X-T", "1"))),
                Arguments.of("HTTP/1.0 and a method of its own", (Supplier<List<Object>>) () -> List.of(
                        new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.valueOf("PURGE"), "/x"))));
    }

    private static io.netty.handler.codec.http.HttpHeaders headers(String... fields) {
        io.netty.handler.codec.http.HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
        for (int i = 0; i < fields.length; i += 2) {
            h.add(fields[i], fields[i + 1]);
        }
        return h;
    }

    private static HttpRequest get(String uri, String... fields) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().add(headers(fields));
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestsAreTheBytesNettyWrites(String name, Supplier<List<Object>> messages) {
        ArrayDeque<HttpRequest> sent = new ArrayDeque<>();
        byte[] netty = encode(new HttpRequestEncoder(), messages.get());
        byte[] ours = encode(new Slot(new RequestEncoder(sent)), messages.get());
        assertThat(new String(ours, StandardCharsets.ISO_8859_1)).isEqualTo(new String(netty, StandardCharsets.ISO_8859_1));
        assertThat(sent).as("each request noted for the response decoder")
                .hasSize((int) messages.get().stream().filter(m -> m instanceof HttpRequest).count());
    }

    /** Writes the messages through {@code handler}; returns the bytes, after checking every buffer was released. */
    private static byte[] encode(ChannelHandler handler, List<Object> messages) {
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        for (Object m : messages) {
            ChannelFuture f = ch.writeAndFlush(m);
            assertThat(f.isSuccess()).as("write of %s", m).isTrue();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        for (Object m : messages) {
            boolean shared = m == LastHttpContent.EMPTY_LAST_CONTENT || m == Unpooled.EMPTY_BUFFER
                    || m instanceof io.netty.buffer.ByteBufHolder h && h.content() == Unpooled.EMPTY_BUFFER;
            if (m instanceof io.netty.util.ReferenceCounted rc && !shared) {
                assertThat(rc.refCnt()).as("%s released", m).isZero();
            }
        }
        assertThat(ch.finish()).isFalse();
        return out.toByteArray();
    }

    @Test
    void aSmallResponseIsOneBufferAndALargeOneHeadThenBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new Slot(new ResponseEncoder(new ArrayDeque<>(List.of(false,
                false)))));
        ByteBuf small = buf(KIB);
        ch.writeAndFlush(whole(HttpResponseStatus.OK, small, "Content-Length", "1024"));
        assertThat(small.refCnt()).as("copied behind the head and released").isZero();
        assertThat(outbound(ch)).isEqualTo(1);
        ByteBuf large = buf(FOUR_KIB);
        ch.writeAndFlush(whole(HttpResponseStatus.OK, large, "Content-Length", "4096"));
        assertThat(outbound(ch)).isEqualTo(2);
        assertThat(large.refCnt()).as("passed on, then released by the transport").isZero();
        ch.finishAndReleaseAll();
    }

    private static int outbound(EmbeddedChannel ch) {
        int n = 0;
        for (Object o; (o = ch.readOutbound()) != null; n++) {
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    @Test
    void aBodyOrBytesWithoutAHeadOrAHeadInsideABodyFailItsWrite() {
        EmbeddedChannel ch = new EmbeddedChannel(new Slot(new ResponseEncoder(new ArrayDeque<>(List.of(false)))));
        ByteBuf orphan = buf("x");
        ChannelFuture f = ch.writeAndFlush(new DefaultHttpContent(orphan));
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("without a head");
        assertThat(orphan.refCnt()).isZero();
        ByteBuf raw = buf("raw");
        f = ch.writeAndFlush(raw);
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a message");
        assertThat(raw.refCnt()).isZero();
        ch.writeAndFlush(response(HttpResponseStatus.OK, "Content-Length", "1"));
        f = ch.writeAndFlush(response(HttpResponseStatus.OK, "Content-Length", "1"));
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a body");
        f = ch.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("unexpected message");
        ch.finishAndReleaseAll();
    }
}
