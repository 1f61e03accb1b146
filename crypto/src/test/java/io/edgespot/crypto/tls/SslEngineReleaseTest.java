package io.edgespot.crypto.tls;

import static io.edgespot.crypto.tls.TlsTestSupport.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection this side closes after a completed handshake must leave the engine closed both ways, which is what
 * makes Conscrypt free its native state on the spot rather than in a finalizer.
 */
final class SslEngineReleaseTest {
    private static final String HOST = "shop.acme.example";

    @TempDir
    Path dir;

    private SslContext serverContext;
    private SslContext clientContext;

    @BeforeEach
    void setUp() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA");
        Path caFile = dir.resolve("ca.crt");
        ca.writeCertPem(caFile);
        TenantCertificate acme = tenant(dir, "acme", "acme", ca.issueServer(List.of(HOST)), List.of(HOST));
        serverContext = ServerTls.builder().add(acme).build().contextFor(HOST).orElseThrow();
        clientContext = ClientTls.builder().trustedCaFile(caFile).build();
    }

    @Test
    void closingAfterTheHandshakeClosesTheEngineBothWays() {
        SslHandler server = handshakeThenCloseServer(SslEngineRelease.INSTANCE);

        assertThat(server.engine().isOutboundDone()).isTrue();
        assertThat(server.engine().isInboundDone()).as("inbound closed, so Conscrypt freed its native state")
                .isTrue();
    }

    @Test
    void withoutItNettyLeavesTheInboundSideOpen() {
        // The reason for the handler: should Netty start closing both sides itself, this fails and the handler
        // can go.
        SslHandler server = handshakeThenCloseServer();

        assertThat(server.engine().isOutboundDone()).isTrue();
        assertThat(server.engine().isInboundDone()).isFalse();
    }

    /** Completes a handshake between two embedded channels, then closes the server side first. */
    private SslHandler handshakeThenCloseServer(ChannelHandler... after) {
        SslHandler serverSsl = serverContext.newHandler(ByteBufAllocator.DEFAULT);
        SslHandler clientSsl = clientContext.newHandler(ByteBufAllocator.DEFAULT, HOST, 443);
        EmbeddedChannel server = new EmbeddedChannel(serverSsl);
        server.pipeline().addLast(after);
        EmbeddedChannel client = new EmbeddedChannel(clientSsl);
        for (int i = 0; i < 20 && !(serverSsl.handshakeFuture().isDone() && clientSsl.handshakeFuture().isDone());
                i++) {
            shuttle(client, server);
            shuttle(server, client);
        }
        assertThat(serverSsl.handshakeFuture().isSuccess()).as("server handshake").isTrue();
        assertThat(clientSsl.handshakeFuture().isSuccess()).as("client handshake").isTrue();

        server.close().syncUninterruptibly();

        shuttle(server, client);
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
        return serverSsl;
    }

    /** Moves every buffer {@code from} wrote into {@code to}'s inbound side. */
    private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        for (Object out; (out = from.readOutbound()) != null; ) {
            if (to.isActive()) {
                to.writeInbound(out);
            } else {
                ((ByteBuf) out).release();
            }
        }
        for (Object in; (in = to.readInbound()) != null; ) {
            ReferenceCountUtil.release(in);
        }
    }
}
