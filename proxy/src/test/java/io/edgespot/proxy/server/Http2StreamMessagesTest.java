package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2UnknownFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2StreamMessages} against Netty's {@code Http2StreamFrameToHttpObjectCodec} (server side, no field
 * checks), which it replaces: the same frames in must give the same messages, and the same messages out the same
 * frames; and every buffer must be released once, whoever ends up holding it.
 */
class Http2StreamMessagesTest {

    private static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers().method(method).path(path).scheme("https").authority("shop.example")
                .add("accept", "*/*").add("cookie", "a=1").add("cookie", "b=2");
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Inbound sequences, as suppliers so that each codec gets its own buffers. */
    private static final List<Supplier<List<Object>>> REQUESTS = List.of(
            () -> List.of(new DefaultHttp2HeadersFrame(request("GET", "/a?b=c"), true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("HEAD", "/"), true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("POST", "/upload"), false),
                    new DefaultHttp2DataFrame(bytes("part one"), false),
                    new DefaultHttp2DataFrame(bytes("part two"), true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("PUT", "/x").addInt("content-length", 5), false),
                    new DefaultHttp2DataFrame(bytes("12345"), true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("POST", "/t"), false),
                    new DefaultHttp2DataFrame(bytes("body"), false),
                    new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("checksum", "abc"), true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("POST", "/e"), false),
                    new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true)),
            () -> List.of(new DefaultHttp2HeadersFrame(request("GET", "/u"), false),
                    new DefaultHttp2UnknownFrame((byte) 0x42, new io.netty.handler.codec.http2.Http2Flags(),
                            bytes("??")),
                    new DefaultHttp2DataFrame(bytes("z"), true)));

    @Test
    void requestFramesBecomeTheMessagesNettysCodecMakes() {
        for (Supplier<List<Object>> frames : REQUESTS) {
            List<String> netty = decode(new Http2StreamFrameToHttpObjectCodec(true, false), frames.get());
            // Netty passes a frame of an unknown type on, to a proxy that reads one message per read and would
            // wait for the next; it is dropped here, so the read goes on to the body
            netty.removeIf(m -> m.startsWith("DefaultHttp2UnknownFrame"));
            assertThat(decode(new Conversions(), frames.get())).isEqualTo(netty);
        }
    }

    private static List<String> decode(ChannelHandler codec, List<Object> frames) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        List<ReferenceCounted> inputs = new ArrayList<>();
        for (Object f : frames) {
            if (f instanceof ByteBufHolder h && h.content() != Unpooled.EMPTY_BUFFER) {
                inputs.add(h); // the empty buffer is never released
            }
            ch.writeInbound(f);
        }
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add(describe(m));
            io.netty.util.ReferenceCountUtil.release(m);
        }
        assertThat(ch.finish()).isFalse();
        assertThat(inputs).allSatisfy(r -> assertThat(r.refCnt()).as("frame released").isZero());
        return out;
    }

    /** Outbound sequences. */
    private static final List<Supplier<List<Object>>> RESPONSES = List.of(
            () -> List.of(full(HttpResponseStatus.OK, "hello")),
            () -> List.of(full(HttpResponseStatus.NO_CONTENT, "")),
            () -> List.of(full(HttpResponseStatus.CONTINUE, "")),
            () -> {
                FullHttpResponse r = full(HttpResponseStatus.OK, "with trailers");
                r.trailingHeaders().add("grpc-status", "0");
                return List.of(r);
            },
            () -> {
                FullHttpResponse r = full(HttpResponseStatus.OK, "");
                r.trailingHeaders().add("grpc-status", "0");
                return List.of(r);
            },
            () -> List.of(head(), new DefaultHttpContent(bytes("abc")), new DefaultLastHttpContent(bytes("def"))),
            () -> List.of(head(), new DefaultHttpContent(bytes("abc")), LastHttpContent.EMPTY_LAST_CONTENT),
            () -> {
                LastHttpContent last = new DefaultLastHttpContent(bytes("end"));
                last.trailingHeaders().add("x-sum", "1");
                return List.of(head(), last);
            },
            () -> {
                LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                last.trailingHeaders().add("x-sum", "2");
                return List.of(head(), last);
            });

    private static FullHttpResponse full(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, bytes(body));
        r.headers().set("Content-Type", "text/plain").set("X-Request-Id", "r1");
        if (!body.isEmpty()) {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length());
        }
        return r;
    }

    private static HttpMessage head() {
        DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set("Cache-Control", "no-store").set("Connection", "keep-alive");
        return r;
    }

    @Test
    void responseMessagesBecomeTheFramesNettysCodecMakes() {
        for (Supplier<List<Object>> messages : RESPONSES) {
            assertThat(encode(new Conversions(), messages.get()))
                    .isEqualTo(encode(new Http2StreamFrameToHttpObjectCodec(true, false), messages.get()));
        }
    }

    private static List<String> encode(ChannelHandler codec, List<Object> messages) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        List<ReferenceCounted> inputs = new ArrayList<>();
        List<ChannelFuture> writes = new ArrayList<>();
        for (Object m : messages) {
            if (m instanceof ByteBufHolder h && h.content() != Unpooled.EMPTY_BUFFER) {
                inputs.add(h);
            }
            writes.add(ch.writeOneOutbound(m));
        }
        ch.flushOutbound();
        assertThat(writes).allSatisfy(w -> assertThat(w.isSuccess()).as("write succeeded").isTrue());
        List<String> out = new ArrayList<>();
        for (Object f; (f = ch.readOutbound()) != null; ) {
            out.add(describe(f));
            io.netty.util.ReferenceCountUtil.release(f);
        }
        assertThat(ch.finish()).isFalse();
        assertThat(inputs).allSatisfy(r -> assertThat(r.refCnt()).as("message released").isZero());
        return out;
    }

    @Test
    void anInterimResponseThatIsNotFullIsRefusedAndReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new Conversions());
        DefaultHttpResponse interim = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE);
        assertThat(ch.writeOneOutbound(interim).cause()).hasMessageContaining("must be a FullHttpResponse");
        assertThat((Object) ch.readOutbound()).isNull();
        ch.finishAndReleaseAll();
    }

    /** The conversions where Netty's codec stands, in a stream's pipeline. */
    private static final class Conversions extends ChannelDuplexHandler implements Http2StreamMessages.Frames {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Http2Exception {
            Object m = Http2StreamMessages.message((Http2StreamFrame) msg);
            if (m != null) {
                ctx.fireChannelRead(m);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            Http2StreamMessages.write((HttpObject) msg, this, promise);
        }

        @Override
        public void write(Http2StreamFrame frame, ChannelPromise promise) {
            ctx.write(frame, promise);
        }

        @Override
        public ChannelPromise voidPromise() {
            return ctx.voidPromise();
        }
    }

    private static String describe(Object m) {
        StringBuilder s = new StringBuilder(m.getClass().getSimpleName());
        if (m instanceof Http2HeadersFrame f) {
            s.append(" end=").append(f.isEndStream()).append(' ').append(sorted(f.headers()));
        } else if (m instanceof Http2DataFrame d) {
            s.append(" end=").append(d.isEndStream()).append(" [").append(d.content().toString(StandardCharsets.US_ASCII))
                    .append(']');
        }
        if (m instanceof HttpRequest r) {
            s.append(' ').append(r.method()).append(' ').append(r.uri()).append(' ').append(sorted(r.headers()));
        }
        if (m instanceof HttpContent c) {
            s.append(" [").append(c.content().toString(StandardCharsets.US_ASCII)).append(']');
        }
        if (m instanceof LastHttpContent l) {
            s.append(" trailers ").append(sorted(l.trailingHeaders()));
        }
        return s.toString();
    }

    private static TreeSet<String> sorted(Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> h) {
        TreeSet<String> lines = new TreeSet<>();
        h.forEach(e -> lines.add(e.getKey().toString().toLowerCase(java.util.Locale.ROOT) + ": " + e.getValue()));
        return lines;
    }
}
