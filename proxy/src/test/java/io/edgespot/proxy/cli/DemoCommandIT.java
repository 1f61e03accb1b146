package io.edgespot.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shipped jar's {@code demo} subcommand as a separate process, as a newcomer would, and talks to it over
 * real HTTPS: HTTP/2, a cache miss then a hit, the uncacheable API, and a graceful stop on SIGTERM.
 */
final class DemoCommandIT {

    @TempDir
    Path dir;

    @Test
    void demoServesOverHttp2AndCachesAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target", "edgespot.jar");
        assertThat(jar).exists();
        Path work = dir.resolve("demo");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "demo", "--port", "0", "--admin-port", "0", "--dir", work.toString())
                .redirectErrorStream(true).start();
        try {
            int port = awaitPort(p.getInputStream());
            HttpClient h2 = HttpClient.newBuilder().sslContext(trusting(work.resolve("demo.crt")))
                    .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> page = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(page.body()).containsIgnoringCase("edgespot");

            URI asset = URI.create("https://localhost:" + port + "/static/app.css");
            HttpResponse<String> miss = h2.send(HttpRequest.newBuilder(asset).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> hit = h2.send(HttpRequest.newBuilder(asset).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(miss.headers().firstValue("cache-status").orElse("")).contains("stored");
            assertThat(hit.headers().firstValue("cache-status").orElse("")).contains("hit");
            assertThat(hit.body()).isEqualTo(miss.body());

            URI api = URI.create("https://localhost:" + port + "/api/time");
            HttpResponse<String> a = h2.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> b = h2.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(a.body()).isNotEqualTo(b.body());
            assertThat(b.headers().firstValue("cache-status")).isEmpty();
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isIn(0, 143);
    }

    private static int awaitPort(InputStream stdout) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8));
        Pattern site = Pattern.compile("site\\s+https://localhost:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String line; System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
            Matcher m = site.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        r.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the demo did not print its URL within 30 s");
    }

    private static SSLContext trusting(Path certFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            ks.setCertificateEntry("demo", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
