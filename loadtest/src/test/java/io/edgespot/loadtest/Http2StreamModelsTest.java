package io.edgespot.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.loadtest.bench.Http2StreamModels;
import io.edgespot.loadtest.bench.Http2StreamModels.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each benchmark server answers every h2c request, several streams at a time on each connection. */
final class Http2StreamModelsTest {

    @ParameterizedTest
    @EnumSource(Model.class)
    void answersEveryStreamWithOneKibibyte(Model model) throws Exception {
        try (Http2StreamModels server = Http2StreamModels.start(model, 0)) {
            Report r = TestRuns.run("http", "--url", "http://127.0.0.1:" + server.port() + "/1k.bin", "--http2",
                    "--streams", "8", "--requests", "300", "--connections", "2");
            assertThat(r.number("status.2xx")).isEqualTo(300);
            assertThat(r.get("protocol")).isEqualTo("h2");
            assertThat(r.number("bytesRead")).isGreaterThan(300 * 1024); // the bodies, framed
            assertThat(server.answered()).isEqualTo(300);
        }
    }
}
