package io.edgespot.proxy.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.crypto.tls.IssuedCertificate;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.VerifiedFileChecks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole instance from a config file: data plane, cache and admin API together — readiness, reload (good and
 * bad), drain, purge, revoke, metrics and the redacted config.
 */
final class InstanceIT {

    private static final String TOKEN = "s3cr3t-admin-token-for-tests";

    @TempDir
    Path dir;
    EdgeInstance instance;
    com.sun.net.httpserver.HttpServer origin;
    int originHits;
    HttpClient http = HttpClient.newHttpClient();
    Path configFile;

    @BeforeEach
    void start() throws Exception {
        origin = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 16);
        origin.createContext("/", ex -> {
            synchronized (this) {
                originHits++;
            }
            byte[] body = ("page " + ex.getRequestURI()).getBytes();
            ex.getResponseHeaders().set("Cache-Control", "public, max-age=300");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
        IssuedCertificate.selfSigned(List.of("localhost")).writePem(dir.resolve("site.crt"), dir.resolve("site.key"));
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate("acme").writeEncrypted(dir.resolve("acme.keyset"), kek.aead());
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        configFile = dir.resolve("edge.yaml");
        Files.writeString(configFile, config("acme-origin"));
        instance = EdgeInstance.start(configFile, new ConfigLoader(new VerifiedFileChecks()).load(configFile));
    }

    private String config(String clusterName) {
        return """
                server: { eventLoops: 1, shutdownGrace: 1s }
                listeners:
                  - { name: plain, address: "127.0.0.1:0", tls: false }
                admin: { address: "127.0.0.1:0", tokenFile: admin-token }
                keys: { kek: "file:kek.json" }
                tenants:
                  - name: acme
                    hosts: [ "localhost" ]
                    certificate: { cert: site.crt, key: site.key }
                    keyset: { file: acme.keyset }
                    clusters:
                      %s: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { to: %s, addHeaders: { authorization: "Bearer upstream-secret-value" } }
                """.formatted(clusterName, origin.getAddress().getPort(), clusterName);
    }

    @AfterEach
    void stop() {
        if (instance != null) {
            instance.close();
        }
        origin.stop(0);
    }

    private HttpResponse<String> site(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + instance.addresses().get("plain").getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.adminPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenPortFailsTheStartWithOneLineNamingTheListener() throws Exception {
        int taken = instance.addresses().get("plain").getPort();
        Path second = dir.resolve("second.yaml");
        Files.writeString(second, config("acme-origin").replace("\"127.0.0.1:0\", tls: false",
                "\"127.0.0.1:" + taken + "\", tls: false"));
        assertThatThrownBy(() -> EdgeInstance.start(second, new ConfigLoader(new VerifiedFileChecks()).load(second)))
                .isInstanceOf(EdgeInstance.StartException.class)
                .hasMessageStartingWith("listeners[plain]: cannot listen on 127.0.0.1:" + taken + ": ");
        assertThat(site("/still-here").statusCode()).isEqualTo(200);
    }

    @Test
    void readinessAndDrain() throws Exception {
        assertThat(admin("GET", "/healthz", null, false).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/readyz", null, false).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/drain", null, false).statusCode()).isEqualTo(401);
        assertThat(admin("POST", "/drain", null, true).statusCode()).isEqualTo(202);
        HttpResponse<String> ready = admin("GET", "/readyz", null, false);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("draining");
        assertThat(admin("GET", "/metrics", null, false).body()).contains("edgespot_draining 1");
    }

    @Test
    void reloadRejectsABadConfigAndAppliesAGoodOne() throws Exception {
        long before = instance.server().generation();
        Files.writeString(configFile, config("acme-origin").replace("to: acme-origin", "to: orign"));
        HttpResponse<String> bad = admin("POST", "/reload", null, true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("edge.yaml:").contains("no cluster named 'orign'");
        assertThat(instance.server().generation()).isEqualTo(before);
        assertThat(site("/still-served").statusCode()).isEqualTo(200);

        Files.writeString(configFile, config("renamed"));
        HttpResponse<String> good = admin("POST", "/reload", null, true);
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(instance.server().generation()).isEqualTo(before + 1);
        assertThat(site("/after-reload").statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/metrics", null, false).body())
                .contains("edgespot_config_generation " + (before + 1));
    }

    @Test
    void reloadingTwentyTimesUnderLoadLosesNoRequest() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                for (int i = 0; running.get() && i < 100_000; i++) {
                    try {
                        // uncached: every request crosses the data plane to the origin
                        HttpResponse<String> r = site("/load-" + id + "-" + i + "?nocache=" + i);
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        long before = instance.server().generation();
        for (int i = 0; i < 20; i++) {
            Files.writeString(configFile, config(i % 2 == 0 ? "renamed" : "acme-origin"));
            HttpResponse<String> r = admin("POST", "/reload", null, true);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Thread.sleep(50);
        }
        running.set(false);
        for (Thread t : clients) {
            t.join(10_000);
        }
        assertThat(instance.server().generation()).isEqualTo(before + 20);
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
    }

    @Test
    void purgeAndRevokeThroughTheAdminApi() throws Exception {
        site("/p");
        site("/p");
        assertThat(originHits).isEqualTo(1);
        HttpResponse<String> purge = admin("POST", "/purge",
                "{\"tenant\":\"acme\",\"url\":\"http://localhost/p\"}", true);
        assertThat(purge.statusCode()).isEqualTo(200);
        site("/p");
        assertThat(originHits).isEqualTo(2);

        assertThat(admin("POST", "/tenants/nobody/revoke", null, true).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/tenants/acme/revoke", null, true).statusCode()).isIn(200, 202, 204);
        assertThat(instance.cache().stats("acme")).isEmpty();
        site("/p");
        assertThat(originHits).isEqualTo(3); // nothing left to serve from
    }

    @Test
    void metricsStatusAndConfigKeepSecretsOut() throws Exception {
        site("/m");
        String metrics = admin("GET", "/metrics", null, false).body();
        assertThat(metrics).contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"acme\"}");
        assertThat(metrics).doesNotContain("/m\"");
        String status = admin("GET", "/status.json", null, false).body();
        assertThat(status).contains("\"acme\"").contains("acme-origin");
        String config = admin("GET", "/config", null, false).body();
        assertThat(config).doesNotContain("upstream-secret-value").doesNotContain(TOKEN);
        for (String body : List.of(metrics, status, config)) {
            assertThat(body).doesNotContain(TOKEN).doesNotContain("upstream-secret-value");
        }
        assertThat(admin("GET", "/", null, false).body()).contains("<meta name=\"viewport\"");
    }
}
