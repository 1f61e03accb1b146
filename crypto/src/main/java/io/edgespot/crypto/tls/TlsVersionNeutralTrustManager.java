package io.edgespot.crypto.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lets the JDK's PKIX trust manager judge certificates from Conscrypt's TLS 1.3 handshakes.
 *
 * <p>In TLS 1.3 the certificate no longer decides the key exchange, so Conscrypt passes the auth type
 * {@code "GENERIC"}; the JDK's trust manager only knows its own word for that, {@code "UNKNOWN"}, and rejects
 * the certificate with "Unknown authType: GENERIC". This adapter translates the one word and delegates
 * everything else, including the endpoint identification (hostname) check.
 */
final class TlsVersionNeutralTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;

    TlsVersionNeutralTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    private static String jdkAuthType(String authType) {
        return "GENERIC".equals(authType) ? "UNKNOWN" : authType;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType), socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType), socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, jdkAuthType(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, jdkAuthType(authType), engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
