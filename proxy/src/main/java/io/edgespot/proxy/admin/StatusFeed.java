package io.edgespot.proxy.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Server-Sent Events stream behind {@code GET /events}: every period, one status JSON computed once
 * and sent as a {@code data:} frame to every subscriber. The timer runs only while someone listens;
 * a subscriber whose write queue is full skips frames rather than buffering them.
 *
 * <p>Confined to the admin server's single event loop: every method and callback runs on it.
 */
final class StatusFeed {

    private final Vertx vertx;
    private final Supplier<Future<String>> status;
    private final long periodMillis;
    private final int maxSubscribers;
    private final Set<HttpServerResponse> subscribers = new LinkedHashSet<>();
    private long timer = -1;
    private boolean computing;

    /**
     * @param status         computes the status JSON (on a worker), one line
     * @param periodMillis   time between frames
     * @param maxSubscribers concurrent streams allowed
     */
    StatusFeed(Vertx vertx, Supplier<Future<String>> status, long periodMillis, int maxSubscribers) {
        this.vertx = vertx;
        this.status = status;
        this.periodMillis = periodMillis;
        this.maxSubscribers = maxSubscribers;
    }

    /** Starts streaming to a response; false when the subscriber limit is reached. */
    boolean subscribe(HttpServerResponse response) {
        if (subscribers.size() >= maxSubscribers) {
            return false;
        }
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: " + periodMillis + "\n\n");
        subscribers.add(response);
        response.closeHandler(v -> unsubscribe(response));
        response.exceptionHandler(e -> unsubscribe(response));
        if (timer < 0) {
            timer = vertx.setPeriodic(periodMillis, id -> tick());
        }
        tick();
        return true;
    }

    private void tick() {
        if (computing) {
            return;
        }
        computing = true;
        status.get().onComplete(ar -> {
            computing = false;
            if (ar.failed()) {
                return;
            }
            String frame = "data: " + ar.result() + "\n\n";
            for (HttpServerResponse r : List.copyOf(subscribers)) {
                if (r.closed()) {
                    unsubscribe(r);
                } else if (!r.writeQueueFull()) {
                    r.write(frame);
                }
            }
        });
    }

    private void unsubscribe(HttpServerResponse response) {
        subscribers.remove(response);
        if (subscribers.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
