package io.edgespot.crypto.tls;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;

/**
 * Builds upstream (origin-facing) Conscrypt {@link SslContext}s: TLS 1.3/1.2, AEAD suites, hostname
 * verification always on, optional client certificate.
 *
 * <p><b>SNI and hostname verification.</b> Create each handler with
 * {@code sslContext.newHandler(channel.alloc(), host, port)}. {@code host} is both the SNI name sent and the
 * name the server certificate must match (endpoint identification algorithm {@code HTTPS}, as browsers do);
 * pass the configured origin name (for example the cluster's {@code tls.sni}) even when connecting to a
 * resolved IP address. An IP literal as {@code host} sends no SNI and must match an IP address entry of the
 * certificate. The one-argument {@code newHandler(alloc)} has no host, so it cannot verify the name: do not use
 * it for upstream connections.
 *
 * <p>The client session cache is keyed by host and port, so a second connection to the same upstream through
 * the same context resumes the session (TLS 1.3 tickets or TLS 1.2). Contexts are immutable and thread-safe;
 * build one per upstream cluster and share it across event loops.
 */
public final class ClientTls {

    private ClientTls() {
    }

    /**
     * Starts a builder.
     *
     * @return a builder trusting the system trust store, without client certificate, offering http/1.1 only
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the settings of an upstream context; not thread-safe. */
    public static final class Builder {

        private Path trustedCaFile;
        private Path clientCertFile;
        private Path clientKeyFile;
        private boolean http2;
        private int sessionCacheSize = TlsDefaults.DEFAULT_SESSION_CACHE_SIZE;
        private Duration sessionTimeout = TlsDefaults.DEFAULT_SESSION_TIMEOUT;

        private Builder() {
        }

        /**
         * Trusts only the CA certificates in this PEM file (for example the tenant's own CA) instead of the JDK's
         * system trust store.
         *
         * @param caFile PEM file with one or more CA certificates
         * @return this builder
         */
        public Builder trustedCaFile(Path caFile) {
            this.trustedCaFile = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * Presents this certificate when the upstream asks for one (mutual TLS).
         *
         * @param certFile PEM certificate chain, leaf first
         * @param keyFile PEM private key of the leaf
         * @return this builder
         */
        public Builder clientCertificate(Path certFile, Path keyFile) {
            this.clientCertFile = Objects.requireNonNull(certFile, "certFile");
            this.clientKeyFile = Objects.requireNonNull(keyFile, "keyFile");
            return this;
        }

        /**
         * Offers {@code h2} before {@code http/1.1} through ALPN (default off: {@code http/1.1} only). Read the
         * outcome with {@code sslHandler.applicationProtocol()}.
         *
         * @param enabled whether to offer {@code h2}
         * @return this builder
         */
        public Builder http2(boolean enabled) {
            this.http2 = enabled;
            return this;
        }

        /**
         * Bounds the client session cache (default 20000 sessions).
         *
         * @param size the maximum number of cached sessions, at least 1
         * @return this builder
         */
        public Builder sessionCacheSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("sessionCacheSize must be at least 1: " + size);
            }
            this.sessionCacheSize = size;
            return this;
        }

        /**
         * Sets how long a cached session is offered for resumption (default one hour).
         *
         * @param timeout the session lifetime, from one second up
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            TlsDefaults.sessionTimeoutSeconds(Objects.requireNonNull(timeout, "timeout"));
            this.sessionTimeout = timeout;
            return this;
        }

        /**
         * Loads the files and builds the context.
         *
         * @return a client context; create handlers with {@code newHandler(alloc, host, port)}
         * @throws TlsMaterialException if a file is missing, unreadable, not PEM, or the key does not match
         * @throws IllegalStateException if Conscrypt is not available
         */
        public SslContext build() throws TlsMaterialException {
            Conscrypts.checkAvailable();
            List<X509Certificate> anchors = trustedCaFile == null
                    ? null
                    : Pem.readCertificates(trustedCaFile, "trusted CA file");
            CertifiedKey identity = clientCertFile == null ? null : PemMaterial.load(clientCertFile, clientKeyFile);
            try {
                TrustManager trust = ConscryptContexts.trustManager(anchors);
                return ConscryptContexts.client(identity, trust, http2, new ConscryptContexts.Sessions(
                        sessionCacheSize, TlsDefaults.sessionTimeoutSeconds(sessionTimeout), true));
            } catch (GeneralSecurityException e) {
                throw new TlsMaterialException("cannot build an upstream TLS context"
                        + (trustedCaFile == null ? "" : " trusting " + trustedCaFile) + ": "
                        + e.getClass().getSimpleName(), e);
            }
        }
    }
}
