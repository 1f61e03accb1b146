package io.edgespot.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class DemoBannerTest {

    @Test
    void namesTheUrlsOfTheSiteAndTheAdminListener() {
        String text = DemoBanner.text(8443, 9901);
        assertThat(text).contains("https://localhost:8443/", "http://127.0.0.1:9901/",
                "http://127.0.0.1:9901/metrics");
        assertThat(text).endsWith("\n");
    }

    @Test
    void offersCurlCommandsForHttp2TheCacheAndTheApi() {
        String text = DemoBanner.text(18443, 19901);
        assertThat(text).contains("curl -k --http2 -sv https://localhost:18443/ -o /dev/null\n");
        String twice = "curl -k -s -D - -o /dev/null https://localhost:18443/static/app.css\n";
        assertThat(text.indexOf(twice)).isNotNegative();
        assertThat(text.indexOf(twice, text.indexOf(twice) + 1)).as("the same asset fetched twice")
                .isGreaterThan(text.indexOf(twice));
        assertThat(text).contains("Cache-Status", "curl -k -s https://localhost:18443/api/time",
                "curl -k -s https://localhost:18443/api/echo");
    }

    @Test
    void offersWebSocketClients() {
        String text = DemoBanner.text(18443, 19901);
        assertThat(text).contains("websocat -k wss://localhost:18443/ws/echo");
        // edgespot-load's flags: SCENARIO --url URL --insecure --connections N --duration D
        assertThat(text).contains("edgespot-load.jar ws-storm --url wss://localhost:18443/ws/echo \\\n")
                .contains("--insecure --connections 100 --duration 10s");
    }

    @Test
    void isAPureFunctionOfThePorts() {
        assertThat(DemoBanner.text(8443, 9901)).isEqualTo(DemoBanner.text(8443, 9901));
        String other = DemoBanner.text(1, 2);
        assertThat(other).contains("https://localhost:1/", "http://127.0.0.1:2/")
                .doesNotContain("8443").doesNotContain("9901");
    }

    @Test
    void canNameTheConfigItWrote() {
        Path config = Path.of("/tmp/edgespot-demo-1/edge.yaml");
        String text = DemoBanner.text(8443, 9901, config);
        assertThat(text).startsWith(DemoBanner.text(8443, 9901))
                .contains("/tmp/edgespot-demo-1\n", "edgespot check /tmp/edgespot-demo-1/edge.yaml");
    }
}
