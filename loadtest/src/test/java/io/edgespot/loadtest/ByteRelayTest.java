package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.loadtest.TestHttpServer.Reply;
import io.edgespot.loadtest.bench.ByteRelay;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The relay carries keep-alive HTTP/1.1 both ways, one origin connection per client connection. */
final class ByteRelayTest {

    @Test
    void carriesEveryRequestAndResponseOverOneOriginConnectionPerClient() throws Exception {
        try (TestHttpServer origin = new TestHttpServer(null, false, (req, seq) -> Reply.ok());
             ByteRelay relay = ByteRelay.start(0, new InetSocketAddress("127.0.0.1", origin.port()))) {
            Report r = TestRuns.run("http", "--url", "http://127.0.0.1:" + relay.port() + "/1k.bin",
                    "--requests", "300", "--connections", "2");
            assertThat(r.number("status.2xx")).isEqualTo(300);
            assertThat(origin.requests.get()).isEqualTo(300);
            assertThat(origin.connections.get()).isEqualTo(2);
        }
    }
}
