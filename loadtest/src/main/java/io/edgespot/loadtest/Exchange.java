package io.edgespot.loadtest;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.Future;

/**
 * One request and its response, from the time it was meant to start to the time it finished.
 *
 * <p>Confined to the event loop of the {@link HttpConnection} that issued it, so fields need no synchronisation.
 */
final class Exchange {

    final HttpConnection owner;
    final long intendedNanos;
    final long sentNanos;
    final boolean measured;
    int status;
    boolean done;
    Future<?> timeout;
    /** The HTTP/2 stream, or the connection opened for this request alone; null for a shared HTTP/1.1 one. */
    Channel channel;

    Exchange(HttpConnection owner, long intendedNanos, long sentNanos, boolean measured) {
        this.owner = owner;
        this.intendedNanos = intendedNanos;
        this.sentNanos = sentNanos;
        this.measured = measured;
    }

    void head(HttpResponse response) {
        status = response.status().code();
        owner.observe(this, response);
    }

    void complete(boolean keepAlive) {
        owner.finish(this, null, keepAlive);
    }

    void fail(ErrorKind kind) {
        owner.finish(this, kind, false);
    }
}
