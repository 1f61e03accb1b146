package io.edgespot.proxy.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback origin on plain blocking sockets that answers exactly what the test scripted, well-formed or not: it
 * reads each request head and hands the connection to the {@link Answer} chosen for the request target, which may
 * write any bytes, reset, or stall. It counts the connections still open, so a test can see that the proxy let go
 * of each faulty one.
 */
final class ScriptedOrigin implements AutoCloseable {

    /** What the origin does with one request; returning normally reads the next request on the connection. */
    @FunctionalInterface
    interface Answer {
        void answer(Socket s, OutputStream out) throws IOException, InterruptedException;
    }

    /** How long a stalled answer waits at most for the proxy to close the connection. */
    private static final int STALL_MILLIS = 15_000;

    final AtomicInteger requests = new AtomicInteger();
    private final Function<String, Answer> answers;
    private final LoopbackAcceptor acceptor;

    /** @param answers the answer for a request target */
    ScriptedOrigin(Function<String, Answer> answers) throws IOException {
        this.answers = answers;
        this.acceptor = new LoopbackAcceptor("scripted-origin", this::serve);
    }

    int port() {
        return acceptor.port();
    }

    /** Connections accepted and not yet closed by either side. */
    int openConnections() {
        return acceptor.openConnections();
    }

    /** Writes {@code text} as ISO-8859-1 bytes and flushes: an answer made of raw protocol text. */
    static Answer raw(String text) {
        return (s, out) -> {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
    }

    /** Writes {@code text}, then resets the connection (RST, not FIN). */
    static Answer thenReset(String text) {
        return (s, out) -> {
            raw(text).answer(s, out);
            s.setSoLinger(true, 0);
            s.close();
        };
    }

    /** Writes {@code text}, then closes the connection normally (FIN). */
    static Answer thenClose(String text) {
        return (s, out) -> {
            raw(text).answer(s, out);
            s.close();
        };
    }

    /** Writes {@code text}, then sends nothing more until the proxy closes the connection. */
    static Answer thenStall(String text) {
        return (s, out) -> {
            raw(text).answer(s, out);
            s.setSoTimeout(STALL_MILLIS);
            try {
                while (s.getInputStream().read() >= 0) {
                    // wait for the proxy's close
                }
            } catch (SocketTimeoutException stillOpen) {
                // the test reads the open connection count
            }
            s.close();
        };
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head; !s.isClosed() && (head = readHead(in)) != null; ) {
                requests.incrementAndGet();
                String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
                answers.apply(requestLine[1]).answer(s, out);
            }
        } catch (IOException | RuntimeException e) {
            // the proxy went away, or the answer cut the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request head up to its empty line, or null at the end of the stream. Bodies are not expected. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        for (int c; (c = in.read()) >= 0; ) {
            head.write(c);
            last4 = last4 << 8 | c;
            if (last4 == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 65536) {
                throw new IOException("request head too long");
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        acceptor.close();
    }
}
