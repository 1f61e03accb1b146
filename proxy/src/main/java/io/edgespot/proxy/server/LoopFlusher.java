package io.edgespot.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Flushes channels of one event loop once each, after the loop has handled the rest of its ready channels.
 *
 * <p>A proxied message is written on one channel while another one is read (the response of an upstream goes out
 * on the downstream connection, a request the other way), so Netty's own batching of a channel's writes until its
 * read completes does not apply. Flushing each at once puts a system call, and on the receiving end often a
 * wake-up, between every two messages of the pass. Flushed together after the pass, the writes leave back to back
 * (as Envoy's loop writes buffers after handling events), the reader wakes once for several, and connections
 * multiplexed over HTTP/2 share one TLS record and one write for the streams that ended in the pass.
 *
 * <p>Only for the end of a message: a body in progress flushes at once, since its back-pressure reads the
 * channel's writability, which only a flush updates. One per event loop; used only on that loop.
 */
final class LoopFlusher implements Runnable {

    private final EventLoop loop;
    /** The channels to flush, in the order they were queued. */
    private final ArrayList<Channel> pending = new ArrayList<>();
    /** The same channels, for an O(1) check: a busy pass queues thousands. No node per entry, unlike a HashSet. */
    private final Set<Channel> queued = Collections.newSetFromMap(new IdentityHashMap<>());

    LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Flushes {@code channel} after this pass of the event loop; must be called on that loop. */
    void flushLater(Channel channel) {
        assert loop.inEventLoop();
        if (!queued.add(channel)) {
            return; // another stream of the same HTTP/2 connection, or a second message of the pass
        }
        if (pending.isEmpty()) {
            loop.execute(this);
        }
        pending.add(channel);
    }

    @Override
    public void run() {
        // A flush completes writes whose listeners may write again, on this channel (the next pipelined answer)
        // or another: each channel leaves the set before its flush, so that such a write queues it again, and
        // what is queued during the run is flushed in this run.
        for (int i = 0; i < pending.size(); i++) {
            Channel channel = pending.get(i);
            queued.remove(channel);
            channel.flush();
        }
        pending.clear();
    }
}
