/**
 * TLS for the edge proxy: certificates, PEM validation and Netty {@code SslContext}s backed by Conscrypt.
 *
 * <p>{@link io.edgespot.crypto.tls.CertificateAuthority} and {@link io.edgespot.crypto.tls.IssuedCertificate}
 * generate ECDSA P-256 certificates with BouncyCastle for {@code edgespot demo} and for tests.
 * {@link io.edgespot.crypto.tls.PemMaterial} checks a certificate and key pair for {@code edgespot check}.
 *
 * <p>{@link io.edgespot.crypto.tls.ServerTls} terminates downstream TLS: one context per tenant certificate,
 * selected by SNI (exact names before {@code *.} wildcards), ALPN {@code h2}/{@code http/1.1}, TLS 1.2 and
 * 1.3 with AEAD suites only, session resumption, and certificate reload without restart.
 * {@link io.edgespot.crypto.tls.ClientTls} builds upstream contexts with hostname verification and optional
 * client certificates. {@link io.edgespot.crypto.tls.NegotiatedTls} reads what a handshake agreed on, for
 * metrics.
 *
 * <p>Every context uses the Conscrypt provider from {@link io.edgespot.crypto.tls.Conscrypts}, passed
 * explicitly; Conscrypt is never installed as a JVM-wide default provider. No message, log line or
 * {@code toString()} in this package contains private key material.
 */
package io.edgespot.crypto.tls;
