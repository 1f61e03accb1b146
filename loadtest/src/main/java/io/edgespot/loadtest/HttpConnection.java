package io.edgespot.loadtest;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One client connection slot of an HTTP run: keeps a connection open (or, for the handshake scenario, opens one
 * per request), issues requests closed- or open-loop and records each outcome.
 *
 * <p>Every field is touched only on {@link #loop}: connects, stream opens, timers and completions all run there,
 * which is why nothing here is volatile or locked.
 *
 * <p>Open loop: a generator on the event loop queues the intended start time of each request as it comes due
 * (wrk2's schedule); requests leave the queue when the connection has room, and their latency is measured from
 * the intended time, so a stalled connection shows up as latency instead of as requests never sent.
 */
final class HttpConnection {

    private static final int MAX_QUEUE = 100_000;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final HttpLoad load;
    private final EventLoop loop;
    private final int index;
    private final Supplier<String> paths;
    private final int capacity;
    private final ArrayDeque<Long> queue = new ArrayDeque<>();
    private Channel channel;
    private ResponseHandler http1;
    private boolean ready;
    private boolean servedAny;
    private int inFlight;
    private long generated;
    private boolean generating;

    HttpConnection(HttpLoad load, EventLoop loop, int index, Supplier<String> paths) {
        this.load = load;
        this.loop = loop;
        this.index = index;
        this.paths = paths;
        this.capacity = load.http2() && !load.perRequest() ? load.args().streams() : 1;
    }

    void start() {
        loop.execute(() -> {
            if (load.args().openLoop()) {
                generating = true;
                generate();
            }
            if (load.perRequest()) {
                ready = true;
                pump();
            } else {
                connect();
            }
        });
    }

    /** Closes the connection at the end of the run; completions after this are not recorded. */
    void shutdown() {
        loop.execute(() -> {
            generating = false;
            queue.clear();
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void connect() {
        long started = System.nanoTime();
        ChannelFuture f = load.bootstrap().clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                initKeepAlive(ch, started);
            }
        }).connect(load.address());
        Channel ch = f.channel();
        channel = ch;
        f.addListener(done -> {
            if (!done.isSuccess()) {
                recordConnectError();
            } else if (!load.target().tls() && ch == channel) {
                becomeReady();
            }
        });
        ch.closeFuture().addListener(closed -> closed(ch));
    }

    private void initKeepAlive(Channel ch, long connectStarted) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(load.byteCounter());
        if (load.target().tls()) {
            p.addLast(load.ssl().newHandler(ch.alloc(), load.target().host(), load.target().port()));
            p.addLast(new TlsHandshakeListener(cause -> handshakeDone(ch, connectStarted, cause)));
        }
        if (!load.http2()) {
            http1 = new ResponseHandler();
            p.addLast(new HttpClientCodec(), http1);
        } else if (load.target().tls()) {
            p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        // Asked for HTTP/2: a silent fallback would make the numbers lie about the protocol.
                        recordConnectError();
                        ctx.close();
                        return;
                    }
                    addHttp2Handlers(ctx.pipeline());
                    if (ctx.channel() == channel) {
                        becomeReady();
                    }
                }
            });
        } else {
            addHttp2Handlers(p);
        }
    }

    private static void addHttp2Handlers(ChannelPipeline p) {
        p.addLast(Http2FrameCodecBuilder.forClient().build());
        p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel pushed) {
                // Server push is not part of any scenario; refuse pushed streams.
                pushed.close();
            }
        }));
    }

    private void handshakeDone(Channel ch, long connectStarted, Throwable cause) {
        if (cause != null) {
            recordConnectError();
            return;
        }
        load.recordHandshake(connectStarted);
        if (!load.http2() && ch == channel) {
            becomeReady();
        }
    }

    private void becomeReady() {
        ready = true;
        pump();
    }

    private void recordConnectError() {
        if (!load.closing() && load.control().measured(System.nanoTime())) {
            load.stats().recordError(ErrorKind.CONNECT);
        }
    }

    private void closed(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        ready = false;
        if (load.closing() || !needed()) {
            return;
        }
        // A connection that served requests is replaced at once; one that never worked is retried after a
        // pause so a refused port does not turn into a busy loop.
        long delay = servedAny ? 0 : RETRY_NANOS;
        servedAny = false;
        loop.schedule(() -> {
            if (channel == null && !load.closing()) {
                connect();
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private boolean needed() {
        if (load.args().openLoop()) {
            return generating || !queue.isEmpty();
        }
        return !load.control().stopped() && !load.control().budgetSpent();
    }

    private void generate() {
        if (!generating || load.closing()) {
            generating = false;
            return;
        }
        RunControl control = load.control();
        long now = System.nanoTime();
        while (true) {
            long intended = load.intendedStart(index, generated);
            if (intended - now > 0) {
                loop.schedule(this::generate, intended - now, TimeUnit.NANOSECONDS);
                break;
            }
            boolean measured = control.measured(intended);
            if (measured && (intended - control.deadlineNanos() >= 0 || !control.tryAcquireScheduled())) {
                generating = false;
                break;
            }
            generated++;
            if (queue.size() >= MAX_QUEUE) {
                if (measured) {
                    load.recordOverflow();
                    control.release();
                }
                continue;
            }
            queue.add(intended);
        }
        pump();
    }

    private void pump() {
        RunControl control = load.control();
        while (ready && inFlight < capacity && !load.closing()) {
            long now = System.nanoTime();
            if (load.args().openLoop()) {
                Long intended = queue.poll();
                if (intended == null) {
                    return;
                }
                dispatch(intended, now, control.measured(intended));
            } else {
                boolean measured = control.measured(now);
                if (measured ? !control.tryAcquire() : control.stopped()) {
                    return;
                }
                dispatch(now, now, measured);
            }
        }
    }

    private void dispatch(long intended, long now, boolean measured) {
        Exchange ex = new Exchange(this, intended, now, measured);
        inFlight++;
        ex.timeout = loop.schedule(() -> timedOut(ex), load.args().timeout().toNanos(), TimeUnit.NANOSECONDS);
        FullHttpRequest request = load.template().create(paths.get());
        if (load.perRequest()) {
            connectFor(ex, request);
        } else if (load.http2()) {
            openStream(ex, request);
        } else {
            http1.expect(ex);
            Channel ch = channel;
            ch.writeAndFlush(request).addListener(w -> {
                if (!w.isSuccess()) {
                    ch.close();
                }
            });
        }
    }

    private void openStream(Exchange ex, FullHttpRequest request) {
        ResponseHandler handler = new ResponseHandler();
        handler.expect(ex);
        new Http2StreamChannelBootstrap(channel).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), handler);
            }
        }).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                request.release();
                finish(ex, ErrorKind.OTHER, true);
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            ex.channel = stream;
            if (ex.done) {
                request.release();
                stream.close();
                return;
            }
            stream.writeAndFlush(request).addListener(w -> {
                if (!w.isSuccess()) {
                    stream.close();
                }
            });
        });
    }

    private void connectFor(Exchange ex, FullHttpRequest request) {
        ResponseHandler handler = new ResponseHandler();
        handler.expect(ex);
        long started = System.nanoTime();
        long startedMillis = System.currentTimeMillis();
        ChannelFuture f = load.bootstrap().clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast(load.byteCounter());
                SslHandler ssl = load.ssl().newHandler(ch.alloc(), load.target().host(), load.sessionPeerPort());
                p.addLast(ssl);
                p.addLast(new TlsHandshakeListener(cause -> {
                    if (cause != null) {
                        request.release();
                        finish(ex, ErrorKind.CONNECT, false);
                        return;
                    }
                    if (ex.measured) {
                        load.recordHandshake(started);
                        // A resumed session keeps the creation time of the session it resumes.
                        if (ssl.engine().getSession().getCreationTime() < startedMillis) {
                            load.recordResumed();
                        }
                    }
                    ch.writeAndFlush(request);
                }));
                p.addLast(new HttpClientCodec(), handler);
            }
        }).connect(load.address());
        ex.channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                if (request.refCnt() > 0) {
                    request.release();
                }
                finish(ex, ErrorKind.CONNECT, false);
            }
        });
    }

    private void timedOut(Exchange ex) {
        if (ex.done) {
            return;
        }
        Channel toClose = ex.channel;
        if (toClose == null) {
            // A shared HTTP/1.1 connection: a late response would be taken for the next request's, so the
            // connection goes too.
            ready = false;
            toClose = channel;
        }
        finish(ex, ErrorKind.TIMEOUT, false);
        if (toClose != null) {
            toClose.close();
        }
    }

    void observe(Exchange ex, HttpResponse response) {
        if (ex.measured && !load.closing()) {
            load.observe(response);
        }
    }

    void finish(Exchange ex, ErrorKind error, boolean keepAlive) {
        if (ex.done) {
            return;
        }
        ex.done = true;
        ex.timeout.cancel(false);
        inFlight--;
        long now = System.nanoTime();
        if (ex.measured && !load.closing()) {
            if (error == null) {
                long from = load.args().openLoop() ? ex.intendedNanos : ex.sentNanos;
                load.stats().recordResponse(ex.status, now - from, now - ex.sentNanos);
            } else {
                load.stats().recordError(error);
            }
        }
        if (error == null) {
            servedAny = true;
        }
        if (load.perRequest()) {
            if (ex.channel != null) {
                ex.channel.close();
            }
        } else if (!keepAlive && !load.http2() && channel != null) {
            ready = false;
            channel.close();
        }
        if (ex.measured) {
            load.control().release();
        }
        pump();
    }
}
