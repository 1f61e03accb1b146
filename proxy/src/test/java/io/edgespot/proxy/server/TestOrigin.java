package io.edgespot.proxy.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A real upstream for proxy tests, on the JDK's own HTTP server (independent of Netty), recording every request
 * it receives.
 *
 * <p>Paths: {@code /status/N} answers N; {@code /slow/MS} waits MS milliseconds; {@code /bytes/N} sends N bytes
 * ({@code ?chunked} without a length); {@code /cacheable/...} is fresh for 60 s and names the origin's request
 * count; {@code /echo} answers the request line and headers as text; anything else
 * answers {@code origin <name> <uri>}.
 *
 * <p>Switches for failure tests: {@link #healthStatus} is the answer to {@code /healthz} (200 by default), and a
 * non-zero {@link #forcedStatus} is the answer to every other path. Each recorded request names the client address
 * and port it came from, so tests can tell how many upstream connections carried the requests, and from where.
 */
final class TestOrigin implements AutoCloseable {

    /** A request as the origin saw it. */
    record Seen(String method, String uri, Map<String, List<String>> headers, long bodyBytes,
                InetSocketAddress remote) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", e.getValue());
                }
            }
            return null;
        }
    }

    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    final AtomicInteger hits = new AtomicInteger();
    /** The status {@code /healthz} answers. */
    volatile int healthStatus = 200;
    /** When non-zero, the status every path but {@code /healthz} answers. */
    volatile int forcedStatus;
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);

    private TestOrigin(String name, HttpServer server) {
        this.name = name;
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static TestOrigin http(String name) throws IOException {
        return new TestOrigin(name, HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128));
    }

    static TestOrigin https(String name, SSLContext context, boolean needClientAuth) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        s.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                // Through SSLParameters: with params.setNeedClientAuth alone, the JDK server then calls
                // engine.setWantClientAuth(false), which turns the requirement off again.
                javax.net.ssl.SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        return new TestOrigin(name, s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests received whose path starts with {@code prefix} (health checks go to {@code /healthz}). */
    long count(String prefix) {
        return seen.stream().filter(s -> s.uri().startsWith(prefix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        long body = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) > 0; ) {
                body += n;
            }
        }
        String uri = ex.getRequestURI().toString();
        seen.add(new Seen(ex.getRequestMethod(), uri, Map.copyOf(ex.getRequestHeaders()), body,
                ex.getRemoteAddress()));
        hits.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        int forced = forcedStatus;
        try {
            if (path.equals("/healthz")) {
                send(ex, healthStatus, "health\n");
            } else if (forced != 0) {
                send(ex, forced, "forced " + name + "\n");
            } else if (path.startsWith("/status/")) {
                send(ex, Integer.parseInt(path.substring(8)), "status\n");
            } else if (path.startsWith("/slow/")) {
                Thread.sleep(Long.parseLong(path.substring(6)));
                send(ex, 200, "slow\n");
            } else if (path.startsWith("/bytes/") || path.startsWith("/cacheable-bytes/")) {
                int n = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
                if (path.startsWith("/cacheable-bytes/")) {
                    ex.getResponseHeaders().set("Cache-Control", "public, max-age=60");
                }
                boolean chunked = "chunked".equals(ex.getRequestURI().getQuery());
                ex.sendResponseHeaders(200, chunked ? 0 : n);
                try (OutputStream out = ex.getResponseBody()) {
                    byte[] chunk = new byte[8192];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    for (int left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, Math.min(left, chunk.length));
                    }
                }
            } else if (path.startsWith("/cacheable-pattern/")) {
                byte[] bytes = pattern(Integer.parseInt(path.substring("/cacheable-pattern/".length())));
                ex.getResponseHeaders().set("Cache-Control", "public, max-age=60");
                ex.getResponseHeaders().set("ETag", "\"p" + bytes.length + "\"");
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            } else if (path.startsWith("/cacheable/")) {
                ex.getResponseHeaders().set("Cache-Control", "public, max-age=60");
                ex.getResponseHeaders().set("ETag", "\"" + path.hashCode() + "\"");
                send(ex, 200, "cacheable " + uri + " #" + hits.get() + "\n");
            } else if (path.equals("/echo")) {
                StringBuilder sb = new StringBuilder(ex.getRequestMethod()).append(' ').append(uri).append('\n');
                ex.getRequestHeaders().forEach((k, v) -> sb.append(k.toLowerCase()).append(": ")
                        .append(String.join(",", v)).append('\n'));
                sb.append("body-bytes: ").append(body).append('\n');
                send(ex, 200, sb.toString());
            } else {
                send(ex, 200, "origin " + name + " " + uri + "\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        boolean noBody = status == 204 || status == 304 || ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, noBody ? -1 : b.length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** The body of {@code /cacheable-pattern/N}: byte i is i mod 251, so a slice shows where it was cut from. */
    static byte[] pattern(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (i % 251);
        }
        return body;
    }
}
