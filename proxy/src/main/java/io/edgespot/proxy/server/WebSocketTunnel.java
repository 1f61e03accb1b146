package io.edgespot.proxy.server;

import io.edgespot.proxy.metrics.EdgeMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A proxied WebSocket after its handshake: bytes relayed both ways unchanged, with back-pressure, while a frame
 * scanner on each direction watches frame boundaries without copying payloads.
 *
 * <ul>
 *   <li>A client frame, or a fragmented message, over the tenant's {@code maxFrameBytes} closes with 1009.</li>
 *   <li>No byte from the client for the idle timeout closes with 1000; after half of it without traffic the proxy
 *       pings the client (only between the upstream's frames), so a live client answers and stays.</li>
 *   <li>The upstream going away without a close frame closes the client with 1014 (bad gateway); a failure of
 *       the proxy itself with 1011.</li>
 *   <li>A drain closes with 1001 at a random time within the drain window, so reconnects spread out.</li>
 * </ul>
 * Idle, a tunnel holds no buffer: reads go straight to the peer. Both channels share one event loop. The client
 * is a TCP/TLS connection (HTTP/1.1 upgrade) or an HTTP/2 stream (RFC 8441), behind {@link Client}.
 * The WebSocket is counted closed, and its place under the caps given back, once, when the first of its two sockets
 * has closed, so the gauge and the caps agree.
 */
final class WebSocketTunnel {

    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int TOO_BIG = 1009;
    static final int INTERNAL_ERROR = 1011;
    static final int BAD_GATEWAY = 1014;
    /** How long the client has to close after edgespot's close frame before its connection is closed anyway. */
    private static final long CLOSE_LINGER_MILLIS = 2000;

    private final Client client;
    private final Channel upstream;
    private final String tenant;
    private final EdgeMetrics metrics;
    private final WebSocketCaps.Lease lease;
    private final long idleNanos;
    private final FrameScanner fromClient;
    private final FrameScanner fromUpstream;
    private long lastClientRead = System.nanoTime();
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> drainTimer;
    private boolean closing;
    /** Why the proxy closes, when it decided to; counted when the first socket has closed. */
    private String closeReason;
    /** edgespot sent the client its close frame and waits for the client to close. */
    private boolean clientLingering;
    private boolean counted;

    /**
     * The client end of a tunnel: a connection that made an HTTP/1.1 upgrade ({@link #of(Channel, String...)}), or
     * an HTTP/2 stream of an extended CONNECT (RFC 8441), whose DATA payloads are the bytes. It hands what the
     * client sends to {@link #fromClient}, tells {@link #clientReadComplete} and {@link #clientWritable}, and
     * passes a drain to {@link #drain}. All on the tunnel's event loop.
     */
    interface Client {
        EventLoop eventLoop();

        ByteBufAllocator alloc();

        boolean isActive();

        boolean isWritable();

        /** Queues bytes for the client. */
        void write(ByteBuf bytes);

        void flush();

        ChannelFuture writeAndFlush(ByteBuf bytes);

        /** Whether to take more from the client; off while the upstream cannot take it. */
        void reading(boolean on);

        /** Closes the client's end: the connection, or the stream after an END_STREAM behind what was written. */
        void close();

        Future<?> closeFuture();

        /** Starts handing the client's bytes and events to {@code tunnel}. */
        void attach(WebSocketTunnel tunnel);
    }

    private WebSocketTunnel(Client client, Channel upstream, String tenant, EdgeMetrics metrics,
                            WebSocketCaps.Lease lease, Duration idle, int maxFrameBytes) {
        this.client = client;
        this.upstream = upstream;
        this.tenant = tenant;
        this.metrics = metrics;
        this.lease = lease;
        this.idleNanos = idle.toNanos();
        this.fromClient = new FrameScanner(maxFrameBytes);
        this.fromUpstream = new FrameScanner(Long.MAX_VALUE);
    }

    /** Turns both ends into a relay. Call right after the client was answered. */
    static WebSocketTunnel open(Client client, Channel upstream, String tenant, EdgeMetrics metrics,
                                WebSocketCaps.Lease lease, Duration idle, int maxFrameBytes) {
        WebSocketTunnel t = new WebSocketTunnel(client, upstream, tenant, metrics, lease, idle, maxFrameBytes);
        metrics.webSocketOpened(tenant);
        client.attach(t);
        upstream.pipeline().addBefore("upstream", "ws-upstream", t.new UpstreamSide());
        if (upstream.pipeline().get("http") != null) {
            upstream.pipeline().remove("http");
        }
        client.reading(true);
        upstream.config().setAutoRead(true);
        t.armIdle(t.idleNanos / 2);
        client.closeFuture().addListener(f -> t.closed(true));
        upstream.closeFuture().addListener(f -> t.closed(false));
        return t;
    }

    /**
     * The client end of an HTTP/1.1 connection that upgraded.
     *
     * @param handlers the names of the connection's HTTP handlers, removed when the tunnel takes it over
     */
    static Client of(Channel channel, String... handlers) {
        return new ChannelClient(channel, handlers);
    }

    /** Schedules the 1001 close of a drain at a uniformly random time within {@code window}. */
    void drain(Duration window) {
        if (drainTimer != null || closing) {
            return;
        }
        long delay = window.isZero() ? 0 : ThreadLocalRandom.current().nextLong(window.toNanos());
        drainTimer = client.eventLoop().schedule(() -> closeBoth(GOING_AWAY, "draining", "drain"),
                delay, TimeUnit.NANOSECONDS);
    }

    private void armIdle(long nanos) {
        idleTimer = client.eventLoop().schedule(this::idleCheck, Math.max(nanos, 1_000_000), TimeUnit.NANOSECONDS);
    }

    private void idleCheck() {
        if (closing) {
            return;
        }
        long quiet = System.nanoTime() - lastClientRead;
        if (quiet >= idleNanos) {
            closeBoth(NORMAL, "idle timeout", "idle");
            return;
        }
        if (quiet >= idleNanos / 2 && fromUpstream.atBoundary() && client.isWritable()) {
            client.writeAndFlush(control(client.alloc(), 0x9, -1, "edgespot")); // ping; the pong resets the clock
        }
        armIdle(Math.min(idleNanos - quiet, idleNanos / 2));
    }

    /** Closes the client with {@code code} and the upstream with 1001 (when at frame boundaries), then both sockets. */
    private void closeBoth(int code, String reason, String metricReason) {
        if (closing) {
            return;
        }
        closing = true;
        closeReason = metricReason;
        if (client.isActive() && fromUpstream.atBoundary()) {
            // RFC 6455 section 7.1.1: the client answers a close and closes; until then what it still sends is read
            // and dropped. Closing at once with its bytes unread (the rest of a frame over maxFrameBytes) would
            // reset the connection, and the client could lose the close frame and see 1006 instead of the code.
            clientLingering = true;
            client.reading(true);
            client.writeAndFlush(control(client.alloc(), 0x8, code, reason)).addListener(f -> {
                if (f.isSuccess()) {
                    client.eventLoop().schedule(client::close, CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    client.close();
                }
            });
        } else {
            client.close();
        }
        if (upstream.isActive() && fromClient.atBoundary()) {
            upstream.writeAndFlush(maskedClose(upstream.alloc(), GOING_AWAY)).addListener(ChannelFutureListener.CLOSE);
        } else {
            upstream.close();
        }
    }

    /** One end has closed ({@code clientGone}: the client's); the other follows. */
    private void closed(boolean clientGone) {
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (drainTimer != null) {
            drainTimer.cancel(false);
        }
        if (!counted) {
            // the gauge and the caps move together, once, when the first socket is gone
            counted = true;
            lease.release();
            String reason = closeReason;
            if (reason == null) {
                reason = clientGone ? "client" : "upstream";
            }
            metrics.webSocketClosed(tenant, reason);
        }
        if (!closing) {
            closing = true;
            if (!clientGone && client.isActive() && !fromUpstream.sawClose() && fromUpstream.atBoundary()) {
                client.writeAndFlush(control(client.alloc(), 0x8, BAD_GATEWAY, "upstream went away"))
                        .addListener(f -> client.close());
                return;
            }
        }
        if (clientGone) {
            upstream.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (!clientLingering) { // else the client closes after edgespot's close frame, or the linger ends
            client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> client.close());
        }
    }

    /** A server-to-client control frame (unmasked): close with a code and reason, or a ping with data. */
    private static ByteBuf control(ByteBufAllocator alloc, int opcode, int code, String text) {
        byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int len = (code >= 0 ? 2 : 0) + t.length;
        ByteBuf b = alloc.buffer(2 + len);
        b.writeByte(0x80 | opcode).writeByte(len);
        if (code >= 0) {
            b.writeShort(code);
        }
        b.writeBytes(t);
        return b;
    }

    /** A client-to-server close frame, masked as RFC 6455 requires of clients. */
    private static ByteBuf maskedClose(ByteBufAllocator alloc, int code) {
        int mask = ThreadLocalRandom.current().nextInt();
        ByteBuf b = alloc.buffer(8);
        b.writeByte(0x88).writeByte(0x80 | 2).writeInt(mask);
        b.writeByte(((code >> 8) & 0xff) ^ ((mask >>> 24) & 0xff));
        b.writeByte((code & 0xff) ^ ((mask >>> 16) & 0xff));
        return b;
    }

    /** Bytes from the client, on their way to the upstream. */
    void fromClient(ByteBuf buf) {
        if (closing) {
            buf.release();
            return;
        }
        lastClientRead = System.nanoTime();
        if (!fromClient.scan(buf)) {
            buf.release();
            closeBoth(TOO_BIG, "frame or message too big", "too_big");
            return;
        }
        upstream.write(buf, upstream.voidPromise());
        if (!upstream.isWritable()) {
            client.reading(false);
        }
    }

    /** The client's bytes of this read are all in: they go to the upstream. */
    void clientReadComplete() {
        upstream.flush();
    }

    /** The client takes more again: so does the upstream's side. */
    void clientWritable() {
        upstream.config().setAutoRead(true);
    }

    /** The relay from the upstream, last in its pipeline. */
    private final class UpstreamSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || closing) {
                ReferenceCountUtil.release(msg);
                return;
            }
            fromUpstream.scan(buf);
            client.write(buf);
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                client.reading(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!closing) {
                closing = true;
                // a reset or TLS failure means the upstream went away (1014); anything else is our own fault (1011)
                boolean io = cause instanceof java.io.IOException;
                closeReason = io ? "upstream" : "internal_error";
                if (client.isActive() && fromUpstream.atBoundary()) {
                    client.writeAndFlush(control(client.alloc(), 0x8, io ? BAD_GATEWAY : INTERNAL_ERROR,
                            io ? "upstream went away" : "proxy error")).addListener(f -> client.close());
                }
            }
            ctx.close();
        }
    }

    /** The client end of an HTTP/1.1 upgrade: the connection, with this relay last in its pipeline. */
    private static final class ChannelClient extends ChannelInboundHandlerAdapter implements Client {
        private final Channel channel;
        private final String[] handlers;
        private WebSocketTunnel tunnel;

        ChannelClient(Channel channel, String[] handlers) {
            this.channel = channel;
            this.handlers = handlers;
        }

        @Override
        public void attach(WebSocketTunnel t) {
            tunnel = t;
            ChannelPipeline p = channel.pipeline();
            p.addLast("ws-client", this);
            for (String name : handlers) { // the proxy hands on what the client sent after its upgrade request
                if (p.get(name) != null) {
                    p.remove(name);
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                tunnel.fromClient(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            tunnel.clientReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                tunnel.clientWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof DrainEvent d) {
                tunnel.drain(d.window());
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public EventLoop eventLoop() {
            return channel.eventLoop();
        }

        @Override
        public ByteBufAllocator alloc() {
            return channel.alloc();
        }

        @Override
        public boolean isActive() {
            return channel.isActive();
        }

        @Override
        public boolean isWritable() {
            return channel.isWritable();
        }

        @Override
        public void write(ByteBuf bytes) {
            channel.write(bytes, channel.voidPromise());
        }

        @Override
        public void flush() {
            channel.flush();
        }

        @Override
        public ChannelFuture writeAndFlush(ByteBuf bytes) {
            return channel.writeAndFlush(bytes);
        }

        @Override
        public void reading(boolean on) {
            channel.config().setAutoRead(on);
        }

        @Override
        public void close() {
            channel.close();
        }

        @Override
        public Future<?> closeFuture() {
            return channel.closeFuture();
        }
    }

    /**
     * Follows RFC 6455 frame headers through a byte stream without copying payloads: knows whether the stream is at
     * a frame boundary (so the proxy can insert its own frames), enforces a frame and message size bound, and notes
     * close frames.
     */
    static final class FrameScanner {
        private final long max;
        private final byte[] header = new byte[14];
        private int have;
        private long payloadLeft;
        private long messageBytes;
        private boolean sawClose;

        FrameScanner(long max) {
            this.max = max;
        }

        boolean atBoundary() {
            return have == 0 && payloadLeft == 0;
        }

        boolean sawClose() {
            return sawClose;
        }

        /** Scans the readable bytes (indices untouched); false when a frame or message exceeds the bound. */
        boolean scan(ByteBuf buf) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                if (payloadLeft > 0) {
                    long skip = Math.min(payloadLeft, end - i);
                    payloadLeft -= skip;
                    i += (int) skip;
                    continue;
                }
                header[have++] = buf.getByte(i++);
                int need = headerLength();
                if (need < 0 || have < need) {
                    continue;
                }
                boolean fin = (header[0] & 0x80) != 0;
                int opcode = header[0] & 0x0f;
                long len = payloadLength();
                have = 0;
                payloadLeft = len;
                if (opcode == 0x8) {
                    sawClose = true;
                }
                if (opcode < 0x8) { // data frames make up messages; control frames stand alone
                    messageBytes = opcode == 0 ? messageBytes + len : len;
                    if (len > max || messageBytes > max) {
                        return false;
                    }
                    if (fin) {
                        messageBytes = 0;
                    }
                } else if (len > 125) {
                    return false;
                }
            }
            return true;
        }

        /** The full header length once the first two bytes are known, else -1. */
        private int headerLength() {
            if (have < 2) {
                return -1;
            }
            int len7 = header[1] & 0x7f;
            int masked = (header[1] & 0x80) != 0 ? 4 : 0;
            return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + masked;
        }

        private long payloadLength() {
            int len7 = header[1] & 0x7f;
            if (len7 < 126) {
                return len7;
            }
            if (len7 == 126) {
                return ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            }
            long v = 0;
            for (int k = 2; k < 10; k++) {
                v = (v << 8) | (header[k] & 0xffL);
            }
            return v < 0 ? Long.MAX_VALUE : v;
        }
    }
}
