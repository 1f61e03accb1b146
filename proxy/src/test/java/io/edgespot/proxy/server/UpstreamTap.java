package io.edgespot.proxy.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP relay in front of an origin that counts every byte the proxy sends upstream, so a test can assert
 * that not even a request head was forwarded (an origin's request counter only sees requests it read whole).
 */
final class UpstreamTap implements AutoCloseable {

    final AtomicLong bytesToOrigin = new AtomicLong();
    private final ServerSocket server;
    private final int originPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    UpstreamTap(int originPort) throws IOException {
        this.originPort = originPort;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "upstream-tap");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket down = server.accept();
                Socket up = new Socket();
                up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), originPort), 2000);
                open.add(down);
                open.add(up);
                pump(down, up, true);
                pump(up, down, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean count) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (count) {
                        bytesToOrigin.addAndGet(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // either side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "upstream-tap-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
