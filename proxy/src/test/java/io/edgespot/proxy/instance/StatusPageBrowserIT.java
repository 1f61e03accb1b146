package io.edgespot.proxy.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.VerifiedFileChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium loads it from a running instance, runs its script, and
 * the DOM it leaves shows the live state (listeners, tenants, clusters, drain state) — at a phone's width.
 */
final class StatusPageBrowserIT {

    @TempDir
    Path dir;

    private static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    @Test
    void pageShowsLiveStateInABrowser() throws Exception {
        String browser = chromium();
        Assumptions.assumeTrue(browser != null, "no Chromium installed (.ci/run installs it)");
        Path config = dir.resolve("edge.yaml");
        Files.writeString(config, """
                server: { eventLoops: 1, shutdownGrace: 1s }
                listeners:
                  - { name: public-plain, address: "127.0.0.1:0", tls: false }
                admin: { address: "127.0.0.1:0" }
                tenants:
                  - name: shopco
                    hosts: [ "shop.example" ]
                    clusters:
                      storefront: { endpoints: [ "127.0.0.1:9" ] }
                    routes:
                      - { to: storefront }
                """);
        try (EdgeInstance instance = EdgeInstance.start(config,
                new ConfigLoader(new VerifiedFileChecks()).load(config))) {
            // ?poll: the page polls status.json instead of holding an event stream open, so the browser's
            // virtual clock (which waits for the network to go quiet) can run the page's timers
            Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=390,844", "--virtual-time-budget=3000",
                    "--user-data-dir=" + dir.resolve("profile"), "--dump-dom",
                    "http://127.0.0.1:" + instance.adminPort() + "/?poll")
                    .redirectError(dir.resolve("chromium.log").toFile())
                    .redirectOutput(dir.resolve("dom.html").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not finish within 60 s");
            }
            String dom = Files.readString(dir.resolve("dom.html"), StandardCharsets.UTF_8);
            assertThat(dom).contains("shopco").contains("storefront").contains("public-plain");
            assertThat(dom).contains("127.0.0.1:9");
            assertThat(dom).doesNotContain("https://").doesNotContain("cdn");
        }
    }
}
