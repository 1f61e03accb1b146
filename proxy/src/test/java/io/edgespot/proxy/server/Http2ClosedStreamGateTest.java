package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Http2ClosedStreamGate} in front of a real frame codec, fed raw client bytes, read back as frames. */
final class Http2ClosedStreamGateTest {

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;

    record Frame(int type, int flags, int streamId, byte[] payload) {
        long errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xffL) << 24) | (payload[at + 1] & 0xff) << 16 | (payload[at + 2] & 0xff) << 8
                    | payload[at + 3] & 0xff;
        }
    }

    /** A server that answers each request at once (END_STREAM), except {@code /hold}; {@code /reset} resets. */
    private static final class Server {
        final EmbeddedChannel ch;
        final List<Http2HeadersFrame> seen = new ArrayList<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Server() {
            Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                    .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(100))
                    .validateHeaders(true).validateRequiredPseudoHeaders(true).build();
            ch = new EmbeddedChannel(new Http2ClosedStreamGate(codec), codec, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2HeadersFrame h) {
                        seen.add(h);
                        CharSequence path = h.headers().path();
                        if (path != null && "/reset".contentEquals(path)) {
                            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(h.stream()));
                        } else if (h.isEndStream() && (path == null || !"/hold".contentEquals(path))) {
                            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"),
                                    true).stream(h.stream()));
                        }
                    }
                    ReferenceCountUtil.release(msg);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    // The codec fires its connection errors down the pipeline after sending GOAWAY.
                }
            });
        }

        void send(byte[] bytes) {
            if (bytes.length == 0 || !ch.isOpen()) { // a connection error closes before the rest arrives
                return;
            }
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            ch.runPendingTasks();
        }

        /** Every frame the server has sent so far. */
        List<Frame> frames() {
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                b.release();
                out.writeBytes(a);
            }
            byte[] all = out.toByteArray();
            List<Frame> frames = new ArrayList<>();
            for (int at = 0; at + 9 <= all.length; ) {
                int len = (all[at] & 0xff) << 16 | (all[at + 1] & 0xff) << 8 | all[at + 2] & 0xff;
                int id = (all[at + 5] & 0x7f) << 24 | (all[at + 6] & 0xff) << 16 | (all[at + 7] & 0xff) << 8
                        | all[at + 8] & 0xff;
                byte[] payload = java.util.Arrays.copyOfRange(all, at + 9, at + 9 + len);
                frames.add(new Frame(all[at + 3] & 0xff, all[at + 4] & 0xff, id, payload));
                at += 9 + len;
            }
            return frames;
        }

        List<Frame> errors() {
            return frames().stream().filter(f -> f.type == RST_STREAM || f.type == GOAWAY).toList();
        }

        void close() {
            ch.finishAndReleaseAll();
        }
    }

    /** Client bytes, with one HPACK encoder for the whole connection. */
    private static final class Client {
        private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Client preface() {
            ByteBuf p = Http2CodecUtil.connectionPrefaceBuf();
            byte[] a = new byte[p.readableBytes()];
            p.readBytes(a);
            p.release();
            out.writeBytes(a);
            return frame(SETTINGS, 0, 0, new byte[0]);
        }

        Client headers(int streamId, String path, boolean endStream) throws Exception {
            Http2Headers h = new DefaultHttp2Headers().method("GET").scheme("https").authority("localhost")
                    .path(path);
            return block(streamId, h, endStream);
        }

        Client trailers(int streamId) throws Exception {
            return block(streamId, new DefaultHttp2Headers().add("grpc-status", "0"), true);
        }

        private Client block(int streamId, Http2Headers h, boolean endStream) throws Exception {
            ByteBuf b = Unpooled.buffer();
            hpack.encodeHeaders(streamId, h, b);
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            return frame(HEADERS, 0x4 | (endStream ? 0x1 : 0), streamId, a);
        }

        Client data(int streamId, int bytes, boolean endStream) {
            return frame(DATA, endStream ? 0x1 : 0, streamId, new byte[bytes]);
        }

        Client frame(int type, int flags, int streamId, byte[] payload) {
            out.write(payload.length >>> 16);
            out.write(payload.length >>> 8);
            out.write(payload.length);
            out.write(type);
            out.write(flags);
            out.write(streamId >>> 24);
            out.write(streamId >>> 16);
            out.write(streamId >>> 8);
            out.write(streamId);
            out.writeBytes(payload);
            return this;
        }

        byte[] take() {
            byte[] a = out.toByteArray();
            out.reset();
            return a;
        }
    }

    @Test
    void headersOnANeverOpenedLowerStreamIsAConnectionProtocolError_wherever_the_bytes_are_split() throws Exception {
        Client c = new Client().preface().headers(5, "/hold", true).headers(3, "/hold", true);
        byte[] bytes = c.take();
        for (int split = 0; split <= bytes.length; split++) {
            Server s = new Server();
            s.send(java.util.Arrays.copyOfRange(bytes, 0, split));
            s.send(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
            assertThat(s.errors()).as("split at %d", split).singleElement().satisfies(f -> {
                assertThat(f.type).isEqualTo(GOAWAY);
                assertThat(f.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            });
            assertThat(s.seen).as("split at %d", split).hasSize(1);
            s.close();
        }
    }

    @Test
    void trailersAreNotMistakenForLateHeaders_wherever_the_bytes_are_split() throws Exception {
        Client c = new Client().preface().headers(1, "/upload", false).data(1, 10, false).trailers(1)
                .headers(3, "/next", true);
        byte[] bytes = c.take();
        for (int split = 0; split <= bytes.length; split++) {
            Server s = new Server();
            s.send(java.util.Arrays.copyOfRange(bytes, 0, split));
            s.send(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
            assertThat(s.errors()).as("split at %d", split).isEmpty();
            assertThat(s.seen).as("split at %d", split).hasSize(3);
            assertThat(s.seen.get(1).headers().get("grpc-status")).hasToString("0");
            s.close();
        }
    }

    @Test
    void headersAfterEndStreamResetTheLiveStreamWithStreamClosed() throws Exception {
        Server s = new Server();
        Client c = new Client().preface();
        s.send(c.headers(1, "/hold", true).take());
        s.send(c.headers(1, "/hold", true).take());
        assertThat(s.errors()).singleElement().satisfies(f -> {
            assertThat(f.type).isEqualTo(RST_STREAM);
            assertThat(f.streamId).isEqualTo(1);
            assertThat(f.errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
        });
        assertThat(s.ch.isActive()).isTrue();
        s.close();
    }

    @Test
    void headersAfterEndStreamOnAClosedStreamIsAConnectionStreamClosedError() throws Exception {
        Server s = new Server();
        Client c = new Client().preface();
        s.send(c.headers(1, "/", true).take());
        assertThat(s.errors()).isEmpty();
        s.send(c.headers(1, "/", true).take());
        assertThat(s.errors()).singleElement().satisfies(f -> {
            assertThat(f.type).isEqualTo(GOAWAY);
            assertThat(f.errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
        });
        assertThat(s.ch.isActive()).isFalse();
        s.close();
    }

    @Test
    void headersOnAStreamWeResetAreLeftToTheCodec() throws Exception {
        Server s = new Server();
        Client c = new Client().preface();
        s.send(c.headers(1, "/reset", true).take());
        s.send(c.headers(1, "/reset", true).take());
        List<Frame> errors = s.errors();
        assertThat(errors).noneMatch(f -> f.type == GOAWAY);
        assertThat(errors.get(0).errorCode()).isEqualTo(Http2Error.CANCEL.code());
        assertThat(s.ch.isActive()).isTrue();
        s.close();
    }

    @Test
    void streamsOlderThanTheRingAreForgottenNotJudged() throws Exception {
        Server s = new Server();
        Client c = new Client().preface();
        int last = 1;
        for (int i = 0; i < Http2ClosedStreamGate.RECENT + 2; i++, last += 2) {
            c.headers(last, "/", true);
        }
        s.send(c.take());
        assertThat(s.errors()).isEmpty();
        // Stream 1 fell out of the ring: the codec's own answer, a stream error.
        s.send(c.headers(1, "/", true).take());
        assertThat(s.errors()).singleElement().satisfies(f -> {
            assertThat(f.type).isEqualTo(RST_STREAM);
            assertThat(f.errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
        });
        // The newest one is still known: a connection error.
        s.send(c.headers(last - 2, "/", true).take());
        assertThat(s.errors()).last().satisfies(f -> {
            assertThat(f.type).isEqualTo(GOAWAY);
            assertThat(f.errorCode()).isEqualTo(Http2Error.STREAM_CLOSED.code());
        });
        s.close();
    }
}
