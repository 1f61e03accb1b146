package io.edgespot.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.edgespot.proxy.config.EdgeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AccessLogTest {

    private static final Instant TIME = Instant.parse("2025-03-04T05:06:07.891Z");

    @TempDir
    Path dir;

    private static AccessRecord record(String path) {
        return new AccessRecord(TIME, "203.0.113.9", "GET", "shop.acme.example", path, "HTTP/1.1", 200, 5120,
                12_345_678, "acme", "2", "app", "edgespot; hit", "r-1",
                "https://shop.acme.example/cart?session=s3cr3t", "curl/8.5 \"quoted\"");
    }

    private List<String> write(String format, AccessRecord... records) throws IOException {
        Path file = dir.resolve(format + ".log");
        try (AccessLog log = AccessLog.open(new EdgeConfig.AccessLog(true, format, Optional.of(file))).orElseThrow()) {
            for (AccessRecord r : records) {
                log.log(r);
            }
            assertThat(log.dropped()).isZero();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesCarryEveryFieldButTheQueryString() throws IOException {
        List<String> lines = write("json", record("/p/1?token=abc#frag"), record("/p/2"));

        assertThat(lines).hasSize(2);
        JsonObject o = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertThat(o.get("time").getAsString()).isEqualTo("2025-03-04T05:06:07.891Z");
        assertThat(o.get("client").getAsString()).isEqualTo("203.0.113.9");
        assertThat(o.get("method").getAsString()).isEqualTo("GET");
        assertThat(o.get("authority").getAsString()).isEqualTo("shop.acme.example");
        assertThat(o.get("path").getAsString()).isEqualTo("/p/1");
        assertThat(o.get("status").getAsInt()).isEqualTo(200);
        assertThat(o.get("bytes").getAsLong()).isEqualTo(5120);
        assertThat(o.get("duration_ms").getAsDouble()).isEqualTo(12.346);
        assertThat(o.get("tenant").getAsString()).isEqualTo("acme");
        assertThat(o.get("route").getAsString()).isEqualTo("2");
        assertThat(o.get("cluster").getAsString()).isEqualTo("app");
        assertThat(o.get("cache").getAsString()).isEqualTo("edgespot; hit");
        assertThat(o.get("request_id").getAsString()).isEqualTo("r-1");
        assertThat(o.get("protocol").getAsString()).isEqualTo("HTTP/1.1");
        assertThat(o.get("referer").getAsString()).isEqualTo("https://shop.acme.example/cart");
        assertThat(String.join("\n", lines)).doesNotContain("token=abc", "s3cr3t", "frag");
    }

    @Test
    void jsonLeavesUnknownFieldsOut() throws IOException {
        AccessRecord r = new AccessRecord(TIME, "203.0.113.9", "GET", "nowhere.example", "/", "HTTP/1.1", 421, 0,
                1_000, null, null, null, null, "r-2", null, null);
        JsonObject o = JsonParser.parseString(write("json", r).get(0)).getAsJsonObject();
        assertThat(o.has("tenant")).isFalse();
        assertThat(o.has("cluster")).isFalse();
        assertThat(o.get("status").getAsInt()).isEqualTo(421);
    }

    @Test
    void combinedLinesFollowApacheThenEdgespotFields() throws IOException {
        List<String> lines = write("combined", record("/p/1?token=abc"));

        assertThat(lines).containsExactly("203.0.113.9 - - [04/Mar/2025:05:06:07 +0000] \"GET /p/1 HTTP/1.1\" 200 5120"
                + " \"https://shop.acme.example/cart\" \"curl/8.5 \\\"quoted\\\"\""
                + " host=\"shop.acme.example\" tenant=\"acme\" route=\"2\" cluster=\"app\" cache=\"edgespot; hit\""
                + " rid=\"r-1\" rt=0.012");
    }

    @Test
    void combinedEscapesControlCharacters() throws IOException {
        String line = write("combined", record("/a\"b\nc")).get(0);
        assertThat(line).contains("\"GET /a\\\"b\\x0ac HTTP/1.1\"");
    }

    @Test
    void fullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        AccessLog log = new AccessLog(AccessLogFormat.JSON, stuck, true, 2);
        try {
            // The writer thread takes the first record and blocks in flush; two more fill the queue.
            log.log(record("/1"));
            assertThat(writing.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 10; i++) {
                log.log(record("/x"));
            }
            assertThat(log.dropped()).isEqualTo(8);
        } finally {
            release.countDown();
            log.close();
        }
        log.log(record("/after-close"));
        assertThat(log.dropped()).isEqualTo(9);
    }
}
