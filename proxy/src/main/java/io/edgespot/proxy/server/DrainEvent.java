package io.edgespot.proxy.server;

/**
 * Fired down every downstream pipeline when the instance drains: an idle HTTP/1.1 connection closes now, a busy
 * one after its response (with {@code Connection: close}), and an HTTP/2 connection sends GOAWAY and closes when
 * its streams are done.
 */
enum DrainEvent {
    INSTANCE
}
