package io.edgespot.proxy.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A JDK {@link SSLSocket} to 127.0.0.1 with an SNI name, protocol versions and ALPN chosen by the test, and plain
 * HTTP/1.1 written by hand on top, so that SNI and {@code Host} can disagree and one connection can carry several
 * requests. Reads are bounded by a socket timeout.
 *
 * <p>Use a fresh {@link SSLContext} per connection when the SNI name matters: the JDK client caches sessions by
 * peer address, and on resumption it sends the cached session's SNI name instead of the one configured here.
 */
final class TlsClient implements AutoCloseable {

    /** One HTTP/1.1 response. */
    record Response(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    private TlsClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the handshake.
     *
     * @param sni       the server name to send, or null to send none
     * @param protocols enabled protocol versions, or null for the context's defaults
     * @param alpn      protocols to offer with ALPN, or null to offer none
     */
    static TlsClient connect(SSLContext ctx, int port, String sni, String[] protocols, String... alpn)
            throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return over(ctx, raw, sni, protocols, alpn);
    }

    /** Starts TLS over an already connected socket (for example after a PROXY protocol header). */
    static TlsClient over(SSLContext ctx, Socket raw, String sni, String[] protocols, String... alpn)
            throws IOException {
        raw.setSoTimeout(5000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (protocols != null) {
            params.setProtocols(protocols);
        }
        if (alpn != null && alpn.length > 0) {
            params.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(params);
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new TlsClient(s);
    }

    X509Certificate peer() throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    String protocol() {
        return socket.getSession().getProtocol();
    }

    String alpn() {
        return socket.getApplicationProtocol();
    }

    /** Sends {@code GET path} with this Host header and reads the response. */
    Response get(String host, String path) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }

    /** Sends a raw request and reads one response (Content-Length or chunked framing). */
    Response exchange(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return read(in, request.startsWith("HEAD "));
    }

    static Response read(InputStream in, boolean head) throws IOException {
        String h = line(in, true);
        StringBuilder headText = new StringBuilder(h).append("\r\n");
        for (String l; !(l = line(in, false)).isEmpty(); ) {
            headText.append(l).append("\r\n");
        }
        int status = Integer.parseInt(h.substring(9, 12));
        Response r = new Response(status, headText.toString(), "");
        if (status < 200) {
            return read(in, head); // skip interim responses
        }
        if (head || status == 204 || status == 304) {
            return r;
        }
        String len = r.header("content-length");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (len != null) {
            body.write(in.readNBytes(Integer.parseInt(len)));
        } else if ("chunked".equalsIgnoreCase(r.header("transfer-encoding"))) {
            for (int n; (n = Integer.parseInt(line(in, false).split(";")[0].trim(), 16)) > 0; ) {
                body.write(in.readNBytes(n));
                line(in, false);
            }
            while (!line(in, false).isEmpty()) {
                // trailers
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, r.head(), body.toString(StandardCharsets.ISO_8859_1));
    }

    private static String line(InputStream in, boolean first) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed" + (first && sb.length() == 0 ? " before a response" : ""));
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** The subject alternative DNS names of a certificate, lower case. */
    static List<String> dnsNames(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream()
                .filter(l -> (Integer) l.get(0) == 2)
                .map(l -> ((String) l.get(1)).toLowerCase(Locale.ROOT))
                .toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
