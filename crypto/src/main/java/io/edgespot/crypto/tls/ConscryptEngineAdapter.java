package io.edgespot.crypto.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * Delegates to a Conscrypt engine and makes its ALPN result follow the {@link SSLEngine} contract.
 *
 * <p>On Java 15 and later Netty does not use its Conscrypt-specific ALPN wrapper (Conscrypt issue 838) and
 * drives ALPN through the standard Java 9 API instead, which Conscrypt implements. One difference breaks it:
 * when the peer offered no ALPN, Conscrypt's {@code getApplicationProtocol()} returns {@code null} after the
 * handshake, where the contract says {@code ""}. Netty then fails the handshake (an assertion, or a
 * {@code NullPointerException} without {@code -ea}), so every client without ALPN, and every upstream without
 * it, would be refused. This adapter answers {@code ""} once the handshake has finished.
 *
 * <p>For client engines it also pins the endpoint identification algorithm: Netty's {@code JdkSslContext}
 * writes its own (here {@code null}) value into the engine's parameters after the engine is created, which
 * would silently turn hostname verification off. {@link #setSSLParameters} keeps the pinned value instead.
 *
 * <p>Its sessions report room for two records per packet ({@link RoomySession}), so that Netty, which drives this
 * engine as a generic JDK one, can always drain what Conscrypt holds encrypted.
 */
final class ConscryptEngineAdapter extends SSLEngine {

    private final SSLEngine engine;
    private final String endpointIdentification;
    /** Set by the thread that drives the engine (one event loop); read by the same thread. */
    private boolean handshakeFinished;

    /**
     * Wraps an engine.
     *
     * @param engine Conscrypt's engine
     * @param endpointIdentification the algorithm to enforce (e.g. {@code "HTTPS"}), or {@code null} for none
     */
    ConscryptEngineAdapter(SSLEngine engine, String endpointIdentification) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
        this.endpointIdentification = endpointIdentification;
        if (endpointIdentification != null) {
            setSSLParameters(engine.getSSLParameters());
        }
    }

    private SSLEngineResult observe(SSLEngineResult result) {
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            handshakeFinished = true;
        }
        return result;
    }

    @Override
    public String getApplicationProtocol() {
        String protocol = engine.getApplicationProtocol();
        return protocol == null && handshakeFinished ? "" : protocol;
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return engine.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return observe(engine.wrap(src, dst));
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, ByteBuffer dst) throws SSLException {
        return observe(engine.wrap(srcs, dst));
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return observe(engine.wrap(srcs, offset, length, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return observe(engine.unwrap(src, dst));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts) throws SSLException {
        return observe(engine.unwrap(src, dsts));
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        return observe(engine.unwrap(src, dsts, offset, length));
    }

    @Override
    public Runnable getDelegatedTask() {
        return engine.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        engine.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        engine.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return new RoomySession(engine.getSession());
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        engine.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        if (endpointIdentification != null) {
            parameters.setEndpointIdentificationAlgorithm(endpointIdentification);
        }
        engine.setSSLParameters(parameters);
    }

    @Override
    public String toString() {
        return "ConscryptEngineAdapter[" + engine + "]";
    }
}
