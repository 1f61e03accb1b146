package io.edgespot.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Feeds arbitrary text to {@link ConfigLoader#parse} (file checks reduced to existence, in a temporary directory
 * holding the files the seeds name). Any input either yields an {@link EdgeConfig} whose values are in their
 * documented ranges, or a {@link ConfigException} whose problems each name the file and, when they name a key,
 * a line in it; never another exception, never a hang.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpus in
 * {@code src/test/resources/io/edgespot/proxy/config/ConfigLoaderFuzzTestInputs/parse}.
 */
class ConfigLoaderFuzzTest {

    private static final String NAME = "edge.yaml";
    private static Path dir;

    @BeforeAll
    static void files() throws IOException {
        dir = Files.createTempDirectory("edgespot-config-fuzz");
        for (String f : new String[] {"acme.crt", "acme.key", "acme-ca.crt", "acme.keyset.json.enc", "admin-token",
            "kek.json", "client.crt", "client.key"}) {
            Files.writeString(dir.resolve(f), "x");
        }
        Files.createDirectory(dir.resolve("subdir"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int lines = (int) text.lines().count() + 1;
        EdgeConfig config;
        try {
            config = new ConfigLoader(FileChecks.existenceOnly()).parse(NAME, new StringReader(text), dir);
        } catch (ConfigException e) {
            assertThat(e.problems()).as("a ConfigException carries its problems").isNotEmpty();
            for (ConfigProblem p : e.problems()) {
                assertThat(p.file()).isEqualTo(NAME);
                assertThat(p.path()).as("path of %s", p).isNotNull();
                assertThat(p.message()).as("message of %s", p).isNotBlank();
                assertThat(p.line()).as("line of %s", p).isBetween(0, lines);
                if (!p.path().isEmpty()) {
                    assertThat(p.line()).as("a problem at a key has a line: %s", p).isPositive();
                }
            }
            return;
        }
        checkValid(config);
    }

    /** What the data plane relies on in a config that loaded. */
    private static void checkValid(EdgeConfig config) {
        assertThat(config.listeners()).isNotEmpty();
        assertThat(config.tenants()).isNotEmpty();
        EdgeConfig.Limits l = config.limits();
        assertThat(l.maxHeaderBytes()).as("limits.maxHeaderBytes").isBetween(1024, 16 << 20);
        assertThat(l.maxUriBytes()).as("limits.maxUriBytes").isBetween(256, 16 << 20);
        assertThat(l.http2InitialWindowBytes()).as("limits.http2InitialWindowBytes").isGreaterThanOrEqualTo(65_535);
        assertThat(l.maxRequestBodyBytes()).as("limits.maxRequestBodyBytes").isNotNegative();
        for (EdgeConfig.Tenant t : config.tenants()) {
            assertThat(t.cache().maxObjectBytes()).as("cache.maxObjectBytes").isBetween(0L, t.cache().maxBytes());
            assertThat(t.webSockets().maxFrameBytes()).as("webSockets.maxFrameBytes").isGreaterThanOrEqualTo(125);
            assertThat(t.routes()).isNotEmpty();
            for (EdgeConfig.Route r : t.routes()) {
                assertThat(t.clusters()).as("route target").containsKey(r.to());
            }
        }
        durations(config);
    }

    /** Every duration in the config converts to nanoseconds and milliseconds, as the timers need. */
    private static void durations(Object value) {
        if (value instanceof Duration d) {
            assertThat(d.isNegative()).as("negative duration %s", d).isFalse();
            d.toNanos();
            d.toMillis();
        } else if (value instanceof Optional<?> o) {
            o.ifPresent(ConfigLoaderFuzzTest::durations);
        } else if (value instanceof Collection<?> c) {
            c.forEach(ConfigLoaderFuzzTest::durations);
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(ConfigLoaderFuzzTest::durations);
        } else if (value instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    durations(c.getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}
