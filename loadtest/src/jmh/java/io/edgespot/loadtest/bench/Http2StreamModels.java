package io.edgespot.loadtest.bench;

import io.edgespot.proxy.cli.Main;
import io.edgespot.proxy.config.EdgeConfig.TransportKind;
import io.edgespot.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;

/**
 * BENCHMARK-ONLY: an HTTP/2 server without TLS (h2c, prior knowledge) that answers every request with the same
 * 1 KiB, built in one of three ways, so that a load run against each shows what the way itself costs per request.
 * Nothing else differs: one event loop, the same response, the same flushing (once per read of the
 * connection).
 *
 * <ul>
 *   <li>{@link Model#MULTIPLEXED}: {@code Http2FrameCodec} and {@code Http2MultiplexHandler}, a child channel with its
 *       own pipeline per stream, frames as objects. edgespot's downstream is built this way.
 *   <li>{@link Model#CONNECTION}: one {@code Http2ConnectionHandler} whose frame listener answers each stream by its
 *       id; no channel, pipeline or frame object per stream.
 * </ul>
 *
 * <pre>
 * java -cp loadtest/target/edgespot-jmh.jar io.edgespot.loadtest.bench.Http2StreamModels multiplexed 19601
 * h2load -t1 -c16 -m4 -D8 http://127.0.0.1:19601/
 * </pre>
 */
public final class Http2StreamModels implements AutoCloseable {

    /** How the server is built. */
    public enum Model {
        /** A child channel per stream (Netty's frame codec and multiplexer). */
        MULTIPLEXED,
        /** A frame listener on the connection's handler. */
        CONNECTION,
        /** Netty's frame codec, and one handler on the connection that answers each stream's frames. */
        FRAMES
    }

    private static final String USAGE = "usage: Http2StreamModels multiplexed|connection|frames PORT   (benchmark-only)";
    private static final int BODY_BYTES = 1024;
    /** The one body every response carries; never released. */
    private static final ByteBuf BODY =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(BODY_BYTES).writeZero(BODY_BYTES));

    private final LoopbackServer server;
    private final LongAdder answered = new LongAdder();

    private Http2StreamModels(Model model, int port) throws InterruptedException {
        Transport transport = Transport.choose(TransportKind.EPOLL);
        EventLoopGroup group = transport.newGroup(1, "h2-models");
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (model == Model.MULTIPLEXED) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                            new Http2MultiplexHandler(new StreamAnswer()));
                } else if (model == Model.FRAMES) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new FrameAnswer());
                } else {
                    ch.pipeline().addLast(ConnectionAnswer.create(answered));
                }
            }
        };
        server = LoopbackServer.bind(new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(init), group, port);
    }

    /** Starts a server of {@code model} on 127.0.0.1:{@code port} (0 for any free port). */
    public static Http2StreamModels start(Model model, int port) throws InterruptedException {
        return new Http2StreamModels(model, port);
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The requests answered so far. */
    public long answered() {
        return answered.sum();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Entry point; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Main.processDefaults(); // the same Netty settings as edgespot
        Model model = args.length == 2 ? switch (args[0]) {
            case "multiplexed" -> Model.MULTIPLEXED;
            case "connection" -> Model.CONNECTION;
            case "frames" -> Model.FRAMES;
            default -> null;
        } : null;
        if (model == null || !args[1].matches("\\d{1,5}")) {
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Http2StreamModels s = start(model, Integer.parseInt(args[1]));
        System.err.println("Http2StreamModels: " + args[0] + " on 127.0.0.1:" + s.port());
        Thread.currentThread().join();
    }

    private static Http2Headers responseHeaders() {
        return new DefaultHttp2Headers().status("200").add("content-type", "application/octet-stream")
                .addInt("content-length", BODY_BYTES);
    }

    /** Whether {@code msg} is the frame that ends a request: HEADERS or DATA with END_STREAM. */
    private static boolean endsRequest(Object msg) {
        return msg instanceof Http2HeadersFrame h && h.isEndStream()
                || msg instanceof Http2DataFrame d && d.isEndStream();
    }

    /** Per stream, in the stream's channel: answers once the request has ended. */
    @ChannelHandler.Sharable
    private final class StreamAnswer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean ended = endsRequest(msg);
            ReferenceCountUtil.release(msg);
            if (ended) {
                ctx.write(new DefaultHttp2HeadersFrame(responseHeaders()));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(BODY.duplicate(), true));
                answered.increment();
            }
        }
    }

    /** On the connection, behind the frame codec: answers each stream once its request has ended. */
    private final class FrameAnswer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Http2FrameStream stream = msg instanceof Http2StreamFrame f ? f.stream() : null;
            boolean ended = endsRequest(msg);
            ReferenceCountUtil.release(msg);
            if (ended) {
                ctx.write(new DefaultHttp2HeadersFrame(responseHeaders()).stream(stream));
                ctx.write(new DefaultHttp2DataFrame(BODY.duplicate(), true).stream(stream));
                answered.increment();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.fireChannelReadComplete();
        }
    }

    /** The connection's handler, answering each stream by its id once the request has ended. */
    private static final class ConnectionAnswer extends Http2ConnectionHandler {
        private ConnectionAnswer(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder) {
            super(decoder, encoder, new Http2Settings());
        }

        static ConnectionAnswer create(LongAdder answered) {
            Http2Connection connection = new DefaultHttp2Connection(true);
            Http2ConnectionEncoder encoder = new DefaultHttp2ConnectionEncoder(connection, new DefaultHttp2FrameWriter());
            Http2ConnectionDecoder decoder =
                    new DefaultHttp2ConnectionDecoder(connection, encoder, new DefaultHttp2FrameReader());
            decoder.frameListener(new Http2FrameAdapter() {
                @Override
                public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                        boolean endOfStream) {
                    if (endOfStream) {
                        answer(ctx, streamId);
                    }
                    return data.readableBytes() + padding;
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                        boolean endOfStream) {
                    if (endOfStream) {
                        answer(ctx, streamId);
                    }
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                        int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream) {
                    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
                }

                // flushed by Http2ConnectionHandler at the end of the read, as the multiplexer flushes its streams
                private void answer(ChannelHandlerContext ctx, int streamId) {
                    encoder.writeHeaders(ctx, streamId, responseHeaders(), 0, false, ctx.newPromise());
                    encoder.writeData(ctx, streamId, BODY.duplicate(), 0, true, ctx.newPromise());
                    answered.increment();
                }
            });
            return new ConnectionAnswer(decoder, encoder);
        }
    }
}
