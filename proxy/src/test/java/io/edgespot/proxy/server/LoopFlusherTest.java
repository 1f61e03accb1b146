package io.edgespot.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two in-process channels on one real event loop, flushed by a {@link LoopFlusher} of that loop. */
@Timeout(30)
class LoopFlusherTest {

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final Flushes flushesA = new Flushes();
    private final Flushes flushesB = new Flushes();
    private Channel a;
    private Channel b;

    /** Counts the flushes that reach the channel's head. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        volatile int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    @ChannelHandler.Sharable
    private final class Receiver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.add(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        LocalAddress address = new LocalAddress(LoopFlusherTest.class);
        new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new Receiver()).bind(address).sync();
        a = new Bootstrap().group(loop).channel(LocalChannel.class).handler(flushesA).connect(address).sync().channel();
        b = new Bootstrap().group(loop).channel(LocalChannel.class).handler(flushesB).connect(address).sync().channel();
    }

    @AfterEach
    void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void channelsAreFlushedOnceEachAfterThePass() throws Exception {
        LoopFlusher flusher = new LoopFlusher(loop);
        int[] duringPass = loop.submit(() -> {
            a.write(text("a1"));
            flusher.flushLater(a);
            b.write(text("b1"));
            flusher.flushLater(b);
            a.write(text("a2"));
            flusher.flushLater(a); // a second message of the same pass: still one flush
            return new int[] {flushesA.count, flushesB.count};
        }).get(5, TimeUnit.SECONDS);
        int[] afterPass = loop.submit(() -> new int[] {flushesA.count, flushesB.count}).get(5, TimeUnit.SECONDS);

        assertEquals(List.of(0, 0), List.of(duringPass[0], duringPass[1]), "nothing is flushed during the pass");
        assertEquals(List.of(1, 1), List.of(afterPass[0], afterPass[1]), "each channel once after it");
        List<String> chunks = take(6);
        assertEquals("a1a2", from(chunks, 'a'));
        assertEquals("b1", from(chunks, 'b'));

        // the next pass schedules again
        loop.submit(() -> {
            b.write(text("b2"));
            flusher.flushLater(b);
        }).get(5, TimeUnit.SECONDS);
        assertEquals("b2", from(take(2), 'b'));
        assertEquals(2, flushesB.count);
    }

    @Test
    void aFlushQueuedWhileThePassIsFlushedJoinsIt() throws Exception {
        LoopFlusher flusher = new LoopFlusher(loop);
        // a's write completes on its flush, and its listener writes on b: b must not wait for another pass
        int[] flushesOfBAfterPass = new int[1];
        loop.submit(() -> {
            a.write(text("a")).addListener(f -> {
                b.write(text("b"));
                flusher.flushLater(b);
            });
            flusher.flushLater(a);
            loop.execute(() -> flushesOfBAfterPass[0] = flushesB.count); // queued before the flusher's next pass
        }).get(5, TimeUnit.SECONDS);

        List<String> chunks = take(2);
        assertEquals("a", from(chunks, 'a'));
        assertEquals("b", from(chunks, 'b'));
        assertEquals(1, loop.submit(() -> flushesOfBAfterPass[0]).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aChannelWrittenAgainWhileItIsFlushedIsFlushedAgain() throws Exception {
        LoopFlusher flusher = new LoopFlusher(loop);
        // as a pipelined cache hit does: the first answer's write completes, and its listener writes the next one
        loop.submit(() -> {
            a.write(text("a1")).addListener(f -> {
                a.write(text("a2"));
                flusher.flushLater(a);
            });
            flusher.flushLater(a);
        }).get(5, TimeUnit.SECONDS);

        assertEquals("a1a2", from(take(4), 'a'));
        assertEquals(2, loop.submit(() -> flushesA.count).get(5, TimeUnit.SECONDS));
    }

    /** The chunks the peers read, until they hold {@code chars} characters; a transport may merge writes. */
    private List<String> take(int chars) throws InterruptedException {
        List<String> out = new ArrayList<>();
        int total = 0;
        while (total < chars) {
            String s = received.poll(5, TimeUnit.SECONDS);
            assertEquals(true, s != null, "received " + out + " of " + chars + " characters");
            out.add(s);
            total += s.length();
        }
        return out;
    }

    /** What one channel sent, in order: its messages all start with {@code first}. */
    private static String from(List<String> chunks, char first) {
        StringBuilder sb = new StringBuilder();
        chunks.stream().filter(c -> c.charAt(0) == first).forEach(sb::append);
        return sb.toString();
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
