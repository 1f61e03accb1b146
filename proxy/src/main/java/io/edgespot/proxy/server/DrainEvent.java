package io.edgespot.proxy.server;

import java.time.Duration;

/**
 * Fired down every downstream pipeline when the instance drains: an idle HTTP/1.1 connection closes now, a busy
 * one after its response (with {@code Connection: close}), an HTTP/2 connection sends GOAWAY and closes when its
 * streams are done, and a WebSocket closes with 1001 at a random time within {@code window}.
 *
 * @param window the span over which WebSocket closes are spread
 */
record DrainEvent(Duration window) {
}
