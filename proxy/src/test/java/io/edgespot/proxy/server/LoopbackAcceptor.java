package io.edgespot.proxy.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A listening socket on loopback for the plain-socket test servers: each accepted connection is served on its
 * own daemon thread and closed when its handler returns; {@link #close} closes the listener and every connection.
 */
final class LoopbackAcceptor implements AutoCloseable {

    private final ServerSocket server;
    private final Consumer<Socket> handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param name    the name of the threads
     * @param handler serves one connection; it may close it, and it is closed after the handler returns
     */
    LoopbackAcceptor(String name, Consumer<Socket> handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> acceptLoop(name), name);
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted whose handler has not returned yet. */
    int openConnections() {
        return open.size();
    }

    private void acceptLoop(String name) {
        while (!closed) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            handler.accept(s);
        } catch (IOException closing) {
            // already closed
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
