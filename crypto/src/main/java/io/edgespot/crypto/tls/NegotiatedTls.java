package io.edgespot.crypto.tls;

import io.netty.handler.ssl.SslHandler;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * What a completed handshake agreed on, for metrics labels and access logs.
 *
 * <p>All three values come from a fixed vocabulary (protocol and suite names, ALPN identifiers), so they are
 * safe as Prometheus labels.
 *
 * @param protocol the TLS version, e.g. {@code TLSv1.3}
 * @param cipherSuite the IANA/JSSE suite name, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol the ALPN result, e.g. {@code h2}, or {@code ""} when ALPN was not used
 */
public record NegotiatedTls(String protocol, String cipherSuite, String applicationProtocol) {

    /** Rejects nulls. */
    public NegotiatedTls {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
    }

    /**
     * Reads the result of a completed handshake from Netty's handler; call it after
     * {@code handshakeFuture()} succeeded.
     *
     * @param handler the channel's {@code SslHandler}
     * @return the negotiated values
     */
    public static NegotiatedTls of(SslHandler handler) {
        SSLSession session = handler.engine().getSession();
        String alpn = handler.applicationProtocol();
        return new NegotiatedTls(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn);
    }

    /**
     * Reads the result of a completed handshake from an engine.
     *
     * @param engine the engine, for example {@code sslHandler.engine()}
     * @return the negotiated values
     */
    public static NegotiatedTls of(SSLEngine engine) {
        SSLSession session = engine.getSession();
        String alpn = engine.getApplicationProtocol();
        return new NegotiatedTls(session.getProtocol(), session.getCipherSuite(), alpn == null ? "" : alpn);
    }
}
