package io.edgespot.proxy.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes on a fresh plain connection and reads whatever comes back until close or a quiet period. */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * @param quietMillis stop reading after this long without bytes (the connection may stay open)
     * @return everything received, as ISO-8859-1 text
     */
    static String exchange(int port, String request, int quietMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
    }

    static String exchange(int port, byte[] request, int quietMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(quietMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // nothing more for now
            } catch (IOException reset) {
                // a reset after the answer still leaves the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status code of the first response in {@code text}, or -1 when nothing was received. */
    static int status(String text) {
        if (!text.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(text.substring(9, 12));
    }
}
