package io.edgespot.loadtest;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * Makes a self-signed server certificate for 127.0.0.1 and localhost with the JDK's keytool (BouncyCastle, which
 * Netty's SelfSignedCertificate needs, is not on the classpath) and builds server TLS contexts from it.
 */
final class TestCerts {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private final KeyManagerFactory keyManagers;

    private TestCerts(KeyManagerFactory keyManagers) {
        this.keyManagers = keyManagers;
    }

    static TestCerts generate(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return new TestCerts(kmf);
    }

    /** A server context offering h2 and http/1.1 with ALPN. */
    SslContext serverContext() throws Exception {
        return SslContextBuilder.forServer(keyManagers).sslProvider(SslProvider.JDK)
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
            .build();
    }

    /** A server context without ALPN, for WebSockets. */
    SslContext plainServerContext() throws Exception {
        return SslContextBuilder.forServer(keyManagers).sslProvider(SslProvider.JDK).build();
    }
}
