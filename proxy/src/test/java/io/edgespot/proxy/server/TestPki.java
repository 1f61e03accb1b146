package io.edgespot.proxy.server;

import io.edgespot.crypto.tls.CertificateAuthority;
import io.edgespot.crypto.tls.IssuedCertificate;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Generated certificates for tests: one CA, server and client certificates written as PEM files. */
final class TestPki {

    final CertificateAuthority ca;
    final Path caFile;
    private final Path dir;

    TestPki(Path dir) throws Exception {
        this.dir = dir;
        this.ca = CertificateAuthority.create("edgespot test CA");
        this.caFile = dir.resolve("ca.crt");
        ca.writeCertPem(caFile);
    }

    /** Issues a server certificate and writes {@code name.crt} and {@code name.key}. */
    Issued server(String name, String... hosts) throws Exception {
        IssuedCertificate c = ca.issueServer(List.of(hosts));
        return write(name, c);
    }

    /** Issues a client certificate and writes {@code name.crt} and {@code name.key}. */
    Issued client(String name) throws Exception {
        return write(name, ca.issueClient(name));
    }

    private Issued write(String name, IssuedCertificate c) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        c.writePem(cert, key);
        return new Issued(c, cert, key);
    }

    /** A client context that trusts only this CA, optionally presenting a client certificate. */
    SSLContext clientContext(Issued clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            kmf = keyManagers(clientCert);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A server context with this certificate; when {@code trustClients}, it trusts client certificates of the CA. */
    SSLContext serverContext(Issued server, boolean trustClients) throws Exception {
        KeyManagerFactory kmf = keyManagers(server);
        TrustManagerFactory tmf = null;
        if (trustClients) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private KeyManagerFactory keyManagers(Issued issued) throws Exception {
        char[] pw = "test".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", issued.certificate().privateKey(), pw,
                new Certificate[] {issued.certificate().certificate(), ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf;
    }

    /** An issued certificate and where its PEM files are. */
    record Issued(IssuedCertificate certificate, Path certFile, Path keyFile) {
    }
}
