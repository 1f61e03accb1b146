package io.edgespot.crypto.tls;

import java.security.Principal;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * A Conscrypt session that reports a packet buffer size of two TLS records.
 *
 * <p>Conscrypt's {@code wrap} answers {@code BUFFER_OVERFLOW} until the destination can take <em>all</em> the
 * encrypted bytes pending in its network BIO, which can exceed one record (16,709 bytes, what Conscrypt reports):
 * a full 16 KiB record plus post-handshake messages such as session tickets. Netty drives an engine it does not
 * recognise as Conscrypt (ours is behind {@link ConscryptEngineAdapter}) by growing its buffer by
 * {@code getPacketBufferSize()} on each overflow; when that much room is already free the buffer does not grow,
 * and the wrap loop spins forever on the event loop. Reporting two records' worth keeps every overflow
 * resolvable. Everything else is the delegate's.
 */
final class RoomySession extends ExtendedSSLSession {

    private final SSLSession delegate;

    RoomySession(SSLSession delegate) {
        this.delegate = delegate;
    }

    @Override
    public int getPacketBufferSize() {
        return 2 * delegate.getPacketBufferSize();
    }

    @Override
    public int getApplicationBufferSize() {
        return delegate.getApplicationBufferSize();
    }

    @Override
    public String[] getLocalSupportedSignatureAlgorithms() {
        return delegate instanceof ExtendedSSLSession e ? e.getLocalSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public String[] getPeerSupportedSignatureAlgorithms() {
        return delegate instanceof ExtendedSSLSession e ? e.getPeerSupportedSignatureAlgorithms() : new String[0];
    }

    @Override
    public List<SNIServerName> getRequestedServerNames() {
        return delegate instanceof ExtendedSSLSession e ? e.getRequestedServerNames() : List.of();
    }

    @Override
    public List<byte[]> getStatusResponses() {
        return delegate instanceof ExtendedSSLSession e ? e.getStatusResponses() : List.of();
    }

    @Override
    public byte[] getId() {
        return delegate.getId();
    }

    @Override
    public SSLSessionContext getSessionContext() {
        return delegate.getSessionContext();
    }

    @Override
    public long getCreationTime() {
        return delegate.getCreationTime();
    }

    @Override
    public long getLastAccessedTime() {
        return delegate.getLastAccessedTime();
    }

    @Override
    public void invalidate() {
        delegate.invalidate();
    }

    @Override
    public boolean isValid() {
        return delegate.isValid();
    }

    @Override
    public void putValue(String name, Object value) {
        delegate.putValue(name, value);
    }

    @Override
    public Object getValue(String name) {
        return delegate.getValue(name);
    }

    @Override
    public void removeValue(String name) {
        delegate.removeValue(name);
    }

    @Override
    public String[] getValueNames() {
        return delegate.getValueNames();
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        return delegate.getPeerCertificates();
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return delegate.getLocalCertificates();
    }

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public javax.security.cert.X509Certificate[] getPeerCertificateChain() throws SSLPeerUnverifiedException {
        return delegate.getPeerCertificateChain();
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return delegate.getPeerPrincipal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return delegate.getLocalPrincipal();
    }

    @Override
    public String getCipherSuite() {
        return delegate.getCipherSuite();
    }

    @Override
    public String getProtocol() {
        return delegate.getProtocol();
    }

    @Override
    public String getPeerHost() {
        return delegate.getPeerHost();
    }

    @Override
    public int getPeerPort() {
        return delegate.getPeerPort();
    }
}
