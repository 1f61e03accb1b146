package io.edgespot.proxy.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw plain-socket client for hostile-input tests: sends bytes as they are, reads until the server closes or a
 * deadline passes, and tells the two apart; parses the HTTP/1.1 responses it received.
 */
final class RawConnection {

    /** What came back: the raw text, whether the server closed the connection, and how long it took. */
    record Result(String text, boolean closed, long millis) {
        List<Response> responses() {
            return parse(text);
        }

        List<Integer> statuses() {
            return responses().stream().map(Response::status).toList();
        }
    }

    /** One parsed response. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawConnection() {
    }

    /**
     * Sends {@code request} on a fresh connection and reads until the server closes it or {@code deadlineMillis}
     * pass. A write that fails because the server already closed is not an error: what it answered is returned.
     */
    static Result exchange(int port, byte[] request, int deadlineMillis) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException closedWhileWriting) {
                // the server refused part way through; read what it said
            }
            return readToClose(s, start, deadlineMillis);
        }
    }

    static Result exchange(int port, String request, int deadlineMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), deadlineMillis);
    }

    /** Reads until EOF, a reset, or the deadline (counted from {@code startNanos}). */
    static Result readToClose(Socket s, long startNanos, int deadlineMillis) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[16384];
        boolean closed = false;
        long deadline = startNanos + deadlineMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            s.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buf);
                if (n < 0) {
                    closed = true;
                    break;
                }
                out.write(buf, 0, n);
            } catch (SocketTimeoutException quiet) {
                break;
            } catch (IOException reset) {
                closed = true; // a reset after the answer still leaves the answer
                break;
            }
        }
        return new Result(out.toString(StandardCharsets.ISO_8859_1), closed,
                (System.nanoTime() - startNanos) / 1_000_000L);
    }

    /** Parses consecutive HTTP/1.1 responses framed by Content-Length or chunked; stops at anything else. */
    static List<Response> parse(String text) {
        List<Response> out = new ArrayList<>();
        int p = 0;
        while (p < text.length() && text.startsWith("HTTP/1.1 ", p)) {
            int headEnd = text.indexOf("\r\n\r\n", p);
            if (headEnd < 0) {
                break;
            }
            String[] lines = text.substring(p, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
            }
            p = headEnd + 4;
            String body;
            if (headers.containsKey("content-length")) {
                int n = Integer.parseInt(headers.get("content-length"));
                if (p + n > text.length()) {
                    break;
                }
                body = text.substring(p, p + n);
                p += n;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder sb = new StringBuilder();
                while (true) {
                    int lineEnd = text.indexOf("\r\n", p);
                    if (lineEnd < 0) {
                        return out;
                    }
                    int size = Integer.parseInt(text.substring(p, lineEnd).split(";")[0].trim(), 16);
                    p = lineEnd + 2;
                    if (size == 0) {
                        int end = text.indexOf("\r\n\r\n", p - 2);
                        if (end < 0) {
                            return out;
                        }
                        p = end + 4;
                        break;
                    }
                    if (p + size + 2 > text.length()) {
                        return out;
                    }
                    sb.append(text, p, p + size);
                    p += size + 2;
                }
                body = sb.toString();
            } else {
                body = "";
            }
            out.add(new Response(status, headers, body));
        }
        return out;
    }
}
