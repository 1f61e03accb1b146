package io.edgespot.proxy.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal HTTP/1.1 origin on plain blocking sockets, for what the JDK server cannot show: it reads chunked
 * bodies with trailer fields (the JDK server does not support trailers), and it counts the response bytes it has
 * managed to write, so a test can see its send block when the proxy applies back-pressure.
 *
 * <p>{@code /bytes/N} answers N bytes with a Content-Length; a path containing {@code /partial} answers a head and
 * 10 of 100 body bytes at once, before reading the request body, and then holds the connection; a path containing
 * {@code /early} answers a whole response at once, before reading the request body, and reads on until the proxy
 * closes; anything else
 * answers {@code raw <uri> trailers=<names>}.
 */
final class RawOrigin implements AutoCloseable {

    /** A request as this origin read it. */
    record Received(String method, String uri, List<String> headerLines, long bodyBytes, List<String> trailerLines) {
    }

    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** Requests read whole. */
    final AtomicLong requests = new AtomicLong();
    /** Whether to keep each request in {@link #received} (off for request floods). */
    volatile boolean record = true;
    /** Response body bytes written to sockets so far (a write that blocks is not counted until it returns). */
    final AtomicLong bytesSent = new AtomicLong();
    private final LoopbackAcceptor acceptor;

    RawOrigin() throws IOException {
        acceptor = new LoopbackAcceptor("raw-origin", this::serve);
    }

    int port() {
        return acceptor.port();
    }

    private void serve(Socket s) {
        try {
            s.setTcpNoDelay(true); // one write per small answer, and no Nagle wait behind a delayed ACK
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                List<String> headers = new ArrayList<>();
                long length = 0;
                boolean chunked = false;
                boolean close = false;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    headers.add(h);
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(h.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    } else if (lower.startsWith("connection:") && lower.contains("close")) {
                        close = true;
                    }
                }
                if (parts[1].contains("/partial")) {
                    // a response started before the request body is complete, then held until the proxy cuts it
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "p".repeat(10))
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    received.add(new Received(parts[0], parts[1], headers, -1, List.of()));
                    while (in.read() >= 0) {
                        // drain until the proxy closes the upstream connection
                    }
                    return;
                }
                if (parts[1].contains("/early")) {
                    // a whole response before the request body is read, then whatever comes until the proxy closes
                    // (a close with unread input would reset the connection)
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nearly"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    received.add(new Received(parts[0], parts[1], headers, -1, List.of()));
                    while (in.read() >= 0) {
                        // drain
                    }
                    return;
                }
                long body = 0;
                List<String> trailers = new ArrayList<>();
                if (chunked) {
                    for (long size; (size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0; ) {
                        in.skipNBytes(size);
                        body += size;
                        line(in);
                    }
                    for (String t; !(t = line(in)).isEmpty(); ) {
                        trailers.add(t);
                    }
                } else {
                    in.skipNBytes(length);
                    body = length;
                }
                String uri = parts[1];
                if (record) {
                    received.add(new Received(parts[0], uri, headers, body, trailers));
                }
                requests.incrementAndGet();
                if (uri.startsWith("/bytes/")) {
                    long n = Long.parseLong(uri.substring(7));
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[65536];
                    Arrays.fill(chunk, (byte) 'x');
                    for (long left = n; left > 0; ) {
                        int k = (int) Math.min(left, chunk.length);
                        out.write(chunk, 0, k);
                        left -= k;
                        bytesSent.addAndGet(k);
                    }
                    out.flush();
                } else {
                    StringBuilder names = new StringBuilder();
                    for (String t : trailers) {
                        names.append(names.length() == 0 ? "" : ",").append(t.substring(0, t.indexOf(':')));
                    }
                    String text = "raw " + uri + " trailers=" + names + "\n";
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + text.length()
                            + "\r\n\r\n" + text).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the peer went away or sent something this origin does not parse
        }
    }

    /** One CRLF-terminated line without its CRLF, or null at end of stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        if (b.size() == 0) {
            return null;
        }
        throw new IOException("truncated line");
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
