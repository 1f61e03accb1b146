package io.edgespot.loadtest.jmh;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** Empties an {@code EmbeddedChannel} between benchmark operations, releasing every message. */
public final class Drain {
    private Drain() {
    }

    /** Releases what was written out. */
    public static void outbound(EmbeddedChannel channel) {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(out);
        }
    }

    /**
     * Releases what was decoded; fails unless it ended a message (a last content, or a whole message).
     *
     * @return the number of messages, for the benchmark to return
     */
    public static int inboundMessage(EmbeddedChannel channel, String what) {
        int n = 0;
        boolean ended = false;
        for (Object in; (in = channel.readInbound()) != null; n++) {
            ended = in instanceof LastHttpContent;
            ReferenceCountUtil.release(in);
        }
        if (!ended) {
            throw new IllegalStateException(what + " was not decoded whole: " + n + " messages");
        }
        return n;
    }
}
