package io.edgespot.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.demo.DemoSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config that {@code edgespot demo} writes passes {@code edgespot check}, the command itself. */
final class DemoConfigCheckTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void checkAcceptsTheDemoConfig() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir, DemoSetup.DEFAULT_PORT, DemoSetup.DEFAULT_ADMIN_PORT, 18080);
        assertThat(run("check", setup.configFile().toString())).as(err.toString(StandardCharsets.UTF_8))
                .isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ok\n");
    }

    @Test
    void checkCatchesAKeysetThatNoLongerMatchesTheKek() throws Exception {
        DemoSetup setup = DemoSetup.generate(dir.resolve("one"), 0, 19901, 18080);
        DemoSetup other = DemoSetup.generate(dir.resolve("two"), 0, 19901, 18080);
        Files.copy(other.keysetFile(), setup.keysetFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(run("check", setup.configFile().toString())).isEqualTo(1);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(errors).contains("tenants[0].keyset.file").contains("wrong key-encryption key");
        assertThat(errors).doesNotContain(Files.readString(setup.kekFile()));
    }
}
