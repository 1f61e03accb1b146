package io.edgespot.proxy.demo;

import java.nio.file.Path;

/** The text {@code edgespot demo} prints once it listens: where to look and what to try. */
public final class DemoBanner {

    private DemoBanner() {
    }

    /**
     * Builds the banner.
     *
     * @param port      the bound port of the TLS listener
     * @param adminPort the bound port of the admin listener
     * @return the text, several lines ending with a line break
     */
    public static String text(int port, int adminPort) {
        String site = "https://localhost:" + port;
        String admin = "http://127.0.0.1:" + adminPort;
        return """
                edgespot demo is running (Ctrl-C stops it).

                  site      %1$s/   (self-signed certificate: browsers warn, curl needs -k)
                  status    %2$s/
                  metrics   %2$s/metrics

                Try:
                  # HTTP/2 over TLS: look for "ALPN: server accepted h2" and "HTTP/2 200"
                  curl -k --http2 -sv %1$s/ -o /dev/null

                  # the same asset twice: Cache-Status says a miss (fwd=uri-miss; stored), then a hit
                  curl -k -s -D - -o /dev/null %1$s/static/app.css
                  curl -k -s -D - -o /dev/null %1$s/static/app.css

                  # uncacheable API (no-store): "served" counts up on every call
                  curl -k -s %1$s/api/time

                  # what the origin received from edgespot: X-Forwarded-For, Via, traceparent, x-request-id
                  curl -k -s %1$s/api/echo

                  # WebSocket echo (type a line, get it back)
                  websocat -k wss://localhost:%3$d/ws/echo
                  # or, without websocat: 100 WebSockets for 10 s with the bundled load generator
                  java -jar loadtest/target/edgespot-load.jar ws-storm --url wss://localhost:%3$d/ws/echo \\
                      --insecure --connections 100 --duration 10s
                """.formatted(site, admin, port);
    }

    /**
     * Builds the banner with a closing line on where the demo's config is and how to reuse it.
     *
     * @param port       the bound port of the TLS listener
     * @param adminPort  the bound port of the admin listener
     * @param configFile the config the demo wrote
     * @return the text, several lines ending with a line break
     */
    public static String text(int port, int adminPort, Path configFile) {
        return text(port, adminPort) + """

                Config, certificate and development keys: %1$s
                  edgespot check %2$s
                """.formatted(configFile.toAbsolutePath().getParent(), configFile.toAbsolutePath());
    }
}
