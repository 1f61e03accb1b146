package io.edgespot.loadtest;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Builds the client {@link SslContext}s: the JDK provider (ALPN works on Java 17), the default trust store or,
 * with {@code --insecure}, trust in any certificate.
 */
public final class ClientSsl {

    private ClientSsl() {
    }

    /**
     * Builds a client context.
     *
     * @param insecure trust any certificate and skip host name verification
     * @param alpnProtocols protocols to offer with ALPN, in preference order; none to skip ALPN
     * @return the context; its session cache lets handshakes resume when engines are created with host and port
     * @throws SSLException if the JDK cannot build the context
     */
    public static SslContext client(boolean insecure, String... alpnProtocols) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (insecure) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            b.endpointIdentificationAlgorithm("HTTPS");
        }
        if (alpnProtocols.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpnProtocols));
        }
        return b.build();
    }

    /**
     * Builds the context for HTTP runs.
     *
     * @param insecure trust any certificate
     * @param http2 offer {@code h2} before {@code http/1.1}
     * @return the context
     * @throws SSLException if the JDK cannot build the context
     */
    public static SslContext forHttp(boolean insecure, boolean http2) throws SSLException {
        return http2
            ? client(insecure, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
            : client(insecure, ApplicationProtocolNames.HTTP_1_1);
    }
}
