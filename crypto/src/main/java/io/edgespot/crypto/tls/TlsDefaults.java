package io.edgespot.crypto.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.time.Duration;
import java.util.List;

/** Protocol versions, cipher suites and ALPN settings shared by server and client contexts. */
final class TlsDefaults {

    /** TLS 1.3 first; TLS 1.2 for older clients. Conscrypt 2.9 no longer implements anything older. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * AEAD suites only, with forward secrecy. BoringSSL does not let TLS 1.3 suites be configured (all three
     * are AEADs and always on); they are listed so that Netty's filter keeps them when it computes the list.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    static final int DEFAULT_SESSION_CACHE_SIZE = 20_000;
    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(1);

    private TlsDefaults() {
    }

    /**
     * ALPN offering h2 (when enabled) before http/1.1. A peer that offers none of them still connects: the
     * server does not answer ALPN and the application falls back to HTTP/1.1, which is what browsers without
     * ALPN expect.
     */
    static ApplicationProtocolConfig alpn(boolean http2) {
        List<String> protocols = http2
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                protocols);
    }

    static int sessionTimeoutSeconds(Duration timeout) {
        long seconds = timeout.toSeconds();
        if (seconds < 1 || seconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sessionTimeout must be between 1s and "
                    + Integer.MAX_VALUE + "s: " + timeout);
        }
        return (int) seconds;
    }
}
