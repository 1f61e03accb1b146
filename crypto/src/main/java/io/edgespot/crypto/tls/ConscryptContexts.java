package io.edgespot.crypto.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.conscrypt.Conscrypt;

/**
 * Builds Netty {@link SslContext}s on a Conscrypt {@link SSLContext}.
 *
 * <p>Why not {@code SslContextBuilder.sslContextProvider(conscrypt)}, which does negotiate ALPN with
 * Conscrypt's engine: two problems need a hook at the moment each engine is created, before Netty wraps it in
 * its package-private ALPN engine.
 * <ul>
 *   <li>Conscrypt disables session tickets on every engine unless {@code Conscrypt.setUseSessionTickets(engine,
 *       true)} is called on its own engine object. Without tickets BoringSSL cannot resume TLS 1.3 sessions at
 *       all (it only implements stateless, ticket-based resumption there).
 *   <li>On Java 15+ Netty drives ALPN through the standard Java 9 API, and Conscrypt's non-standard
 *       {@code null} ALPN result for peers without ALPN fails the handshake; see {@link ConscryptEngineAdapter}.
 * </ul>
 * So this class creates the Conscrypt {@code SSLContext} itself, wraps it in one that configures and adapts each
 * engine as it is created, and hands it to Netty's public {@link JdkSslContext} constructor.
 */
final class ConscryptContexts {

    private ConscryptContexts() {
    }

    /** Session settings applied to the context's session cache. */
    record Sessions(int cacheSize, int timeoutSeconds, boolean tickets) {
    }

    static SslContext server(CertifiedKey identity, TrustManager clientTrust, boolean http2, Sessions sessions)
            throws GeneralSecurityException {
        SSLContext conscrypt = SSLContext.getInstance("TLS", Conscrypts.provider());
        conscrypt.init(new KeyManager[] {keyManager(identity)},
                clientTrust == null ? null : new TrustManager[] {clientTrust}, new SecureRandom());
        SSLSessionContext cache = conscrypt.getServerSessionContext();
        cache.setSessionCacheSize(sessions.cacheSize());
        cache.setSessionTimeout(sessions.timeoutSeconds());
        boolean tickets = sessions.tickets();
        SSLContext configured = new EngineConfiguringContext(conscrypt, null,
                engine -> Conscrypt.setUseSessionTickets(engine, tickets));
        return new JdkSslContext(configured, false, TlsDefaults.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                TlsDefaults.alpn(http2), clientTrust == null ? ClientAuth.NONE : ClientAuth.REQUIRE,
                TlsDefaults.PROTOCOLS.toArray(String[]::new), false);
    }

    static SslContext client(CertifiedKey identity, TrustManager trust, boolean http2, Sessions sessions)
            throws GeneralSecurityException {
        SSLContext conscrypt = SSLContext.getInstance("TLS", Conscrypts.provider());
        conscrypt.init(identity == null ? null : new KeyManager[] {keyManager(identity)},
                new TrustManager[] {trust}, new SecureRandom());
        SSLSessionContext cache = conscrypt.getClientSessionContext();
        cache.setSessionCacheSize(sessions.cacheSize());
        cache.setSessionTimeout(sessions.timeoutSeconds());
        boolean tickets = sessions.tickets();
        // Hostname verification: the trust manager compares the peer certificate with the host the engine was
        // created for (newHandler(alloc, host, port)); the engine adapter keeps Netty from clearing the setting.
        SSLContext configured = new EngineConfiguringContext(conscrypt, "HTTPS",
                engine -> Conscrypt.setUseSessionTickets(engine, tickets));
        return new JdkSslContext(configured, true, TlsDefaults.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                TlsDefaults.alpn(http2), ClientAuth.NONE, TlsDefaults.PROTOCOLS.toArray(String[]::new), false);
    }

    /** A key manager for one certificate chain; the in-memory store's password protects nothing on disk. */
    static KeyManager keyManager(CertifiedKey identity) throws GeneralSecurityException {
        char[] password = "in-memory".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new KeyManagementException("cannot create an empty in-memory key store", e);
        }
        store.setKeyEntry("identity", identity.privateKey(), password,
                identity.chain().toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers()[0];
    }

    /**
     * A PKIX trust manager for the given anchors, or for the JDK's system trust store when {@code anchors} is
     * {@code null}. It is the JDK's own implementation, which also performs the endpoint identification
     * (hostname) check when the engine's parameters ask for it, adapted to Conscrypt's TLS 1.3 auth type.
     */
    static TrustManager trustManager(List<X509Certificate> anchors) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (anchors == null) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new KeyManagementException("cannot create an empty in-memory trust store", e);
            }
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            factory.init(store);
        }
        for (TrustManager candidate : factory.getTrustManagers()) {
            if (candidate instanceof X509ExtendedTrustManager extended) {
                return new TlsVersionNeutralTrustManager(extended);
            }
        }
        throw new KeyManagementException("the JDK's trust manager factory returned no X509ExtendedTrustManager");
    }

    /**
     * An {@link SSLContext} that delegates to Conscrypt's and configures each engine right after creating it.
     * Its provider is the delegate's, so {@code Conscrypt.isConscrypt(context)} stays true. Sockets from its
     * socket factories are not configured; Netty only uses engines.
     */
    private static final class EngineConfiguringContext extends SSLContext {

        EngineConfiguringContext(SSLContext delegate, String endpointIdentification,
                Consumer<SSLEngine> configurer) {
            super(new Spi(delegate, endpointIdentification, configurer), delegate.getProvider(),
                    delegate.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {

        private final SSLContext delegate;
        private final String endpointIdentification;
        private final Consumer<SSLEngine> configurer;

        Spi(SSLContext delegate, String endpointIdentification, Consumer<SSLEngine> configurer) {
            this.delegate = delegate;
            this.endpointIdentification = endpointIdentification;
            this.configurer = configurer;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            delegate.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine engine = delegate.createSSLEngine();
            configurer.accept(engine);
            return new ConscryptEngineAdapter(engine, endpointIdentification);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = delegate.createSSLEngine(host, port);
            configurer.accept(engine);
            return new ConscryptEngineAdapter(engine, endpointIdentification);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
