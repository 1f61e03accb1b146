package io.edgespot.proxy.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpObject;

/**
 * The client side of a {@link ProxyHandler}: an HTTP/1.1 connection ({@link Http1Downstream}) or one stream of an
 * HTTP/2 connection ({@link Http2Streams}). The proxy writes HTTP/1 messages to it whatever the protocol; an
 * HTTP/2 stream turns them into frames. All methods are called on {@link #eventLoop()}.
 */
interface Downstream {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Queues a response head or body piece; nothing reaches the socket before a flush. */
    ChannelFuture write(HttpObject msg);

    ChannelFuture writeAndFlush(HttpObject msg);

    void flush();

    /** Flushes after this pass of the event loop, with the other connections and streams written in it. */
    void flushLater();

    /**
     * Makes sure the proxy's {@link ProxyHandler#checkDeadlines} runs by {@code deadline}, on the event loop's
     * clock. One timer serves the connection, whose exchanges follow one another or, over HTTP/2, run side by side:
     * nothing is scheduled per request.
     */
    void wakeBy(long deadline);

    /** Whether the client takes more now; when it did not and then does, the proxy hears it. */
    boolean isWritable();

    /**
     * Whether the socket is to be read on: off while the proxy holds messages it has not taken yet. An HTTP/2
     * stream ignores it: what it can be sent is bound by the flow-control window it gives back in
     * {@link #consumed}.
     */
    void reading(boolean on);

    /** The proxy took {@code bytes} of request body: an HTTP/2 stream gives them back to the client's window. */
    void consumed(int bytes);

    /**
     * Closes after what was written: the connection, or, for an HTTP/2 stream the client is still sending on, a
     * reset with NO_ERROR (RFC 9113 section 8.1), which asks it to stop.
     */
    void close();

    /** Cuts the response short, so the client sees a truncation and not an end: the connection or stream goes. */
    void abort();

    /**
     * Answers before the request's body was read, and closes: an HTTP/1.1 connection the way servers must to have
     * the answer read (RFC 9112 section 9.6). The proxy asks it of HTTP/1.1 connections only (an HTTP/2 stream's
     * early answer leaves the stream to the client); a stream does what {@link #close()} does after the answer.
     */
    void answerAndClose(FullHttpResponse answer);

    /**
     * The origin accepted a WebSocket: answers the client (101 over HTTP/1.1, 200 over HTTP/2) and turns this into
     * the client end of a tunnel.
     *
     * @param upgraded the origin's 101, its hop-by-hop fields already removed and Via added
     */
    WebSocketTunnel.Client upgrade(HttpResponse upgraded);
}
