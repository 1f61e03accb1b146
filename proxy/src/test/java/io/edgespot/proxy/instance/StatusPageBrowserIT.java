package io.edgespot.proxy.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.edgespot.cache.TenantStats;
import io.edgespot.crypto.KeyEncryptionKey;
import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.VerifiedFileChecks;
import io.edgespot.proxy.demo.DemoOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium, driven by playwright-core ({@link StatusPageScript}), keeps
 * the page open on a running instance in front of a real origin while the test sends traffic through the proxy,
 * and reads back the numbers the page shows: requests, cache entries and hit ratio, open WebSockets. They must
 * follow the traffic on their own (the page's live feed), agree with the instance's own counters, and fit a
 * phone's width. Screenshots are left in {@code target/status-page/}.
 */
final class StatusPageBrowserIT {

    private static final String TOKEN = "status-page-admin-token-for-tests";
    private static final String TENANT = "shopco";
    private static final Path SCREENSHOTS = Path.of("target", "status-page");
    private static final Duration LIVE_UPDATE_TIMEOUT = Duration.ofSeconds(20);
    private static final int API_REQUESTS = 20;
    private static final int ASSET_REQUESTS = 10;
    private static final int WEB_SOCKETS = 2;

    @TempDir
    Path dir;
    DemoOrigin origin;
    EdgeInstance instance;
    List<WebSocket> sockets = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        origin = new DemoOrigin();
        origin.start();
        KeyEncryptionKey kek = KeyEncryptionKey.generateDevKek(dir.resolve("kek.json"));
        TenantKeys.generate(TENANT).writeEncrypted(dir.resolve("shopco.keyset"), kek.aead());
        Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        Path config = dir.resolve("edge.yaml");
        Files.writeString(config, """
                server: { eventLoops: 1, shutdownGrace: 1s }
                listeners:
                  - { name: public-plain, address: "127.0.0.1:0", tls: false }
                admin: { address: "127.0.0.1:0", tokenFile: admin-token, readRequiresToken: true }
                limits: { maxWebSockets: 100 }
                keys: { kek: "file:kek.json" }
                tenants:
                  - name: %s
                    hosts: [ "localhost" ]
                    keyset: { file: shopco.keyset }
                    webSockets: { max: 10 }
                    clusters:
                      storefront: { endpoints: [ "127.0.0.1:%d" ] }
                    routes:
                      - { match: { pathPrefix: /ws/ }, to: storefront, webSocket: true }
                      - { to: storefront }
                """.formatted(TENANT, origin.port()));
        instance = EdgeInstance.start(config, new ConfigLoader(new VerifiedFileChecks()).load(config));
    }

    @AfterEach
    void stop() {
        sockets.forEach(WebSocket::abort); // left open by a failure: the instance would wait for them to drain
        if (instance != null) {
            instance.close();
        }
        origin.close();
    }

    @Test
    void pageShowsLiveNumbersThatFollowTheTraffic() throws Exception {
        try (StatusPageScript page = StatusPageScript.open("http://127.0.0.1:" + instance.adminPort() + "/",
                SCREENSHOTS, TOKEN)) {
            JsonObject before = page.firstReading();
            assertThat(before.get("link").getAsString()).isEqualTo("live");
            assertThat(before.get("drain").getAsString()).isEqualTo("serving");
            assertThat(before.get("generation").getAsLong()).isEqualTo(instance.server().generation());
            assertThat(webSockets(before)).isEqualTo("0/100");
            JsonObject idle = tenant(before);
            assertThat(idle.get("requests").getAsLong()).isZero();
            assertThat(idle.get("cacheEntries").getAsLong()).isZero();
            assertThat(idle.get("hitRatioPercent").getAsDouble()).isZero();
            assertThat(webSockets(idle)).isEqualTo("0/10");
            List<Path> shots = new ArrayList<>(List.of(page.screenshot("desktop-idle")));

            sendTraffic();
            int sent = API_REQUESTS + ASSET_REQUESTS;
            // the page updates itself from the admin's live feed: poll what it shows, not the server
            JsonObject busy = awaitReading(page, r -> tenant(r).get("requests").getAsLong() >= sent
                    && webSockets(r).equals(WEB_SOCKETS + "/100") && showsCacheStats(tenant(r)));
            assertThat(tenant(busy).get("requests").getAsLong()).as("requests shown").isGreaterThanOrEqualTo(sent);
            assertThat(webSockets(busy)).as("instance WebSockets shown").isEqualTo(WEB_SOCKETS + "/100");
            assertThat(webSockets(tenant(busy))).as("tenant WebSockets shown").isEqualTo(WEB_SOCKETS + "/10");
            assertThat(showsCacheStats(tenant(busy))).as("cache shown %s, instance has %s", tenant(busy), stats())
                    .isTrue();
            assertThat(tenant(busy).get("cacheEntries").getAsLong()).isPositive();
            assertThat(tenant(busy).get("hitRatioPercent").getAsDouble()).isPositive();
            assertThat(busy.getAsJsonArray("errors")).as("page errors").isEmpty();
            shots.add(page.screenshot("desktop-live"));

            JsonObject phone = page.phone("phone-live");
            shots.add(Path.of(phone.get("path").getAsString()));
            assertThat(phone.get("scrollWidth").getAsInt()).as("page width on a phone")
                    .isLessThanOrEqualTo(phone.get("innerWidth").getAsInt());
            assertThat(tenant(phone.getAsJsonObject("reading")).get("requests").getAsLong())
                    .isGreaterThanOrEqualTo(sent);

            for (WebSocket ws : sockets) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            }
            JsonObject closed = awaitReading(page, r -> webSockets(r).equals("0/100"));
            assertThat(webSockets(closed)).as("instance WebSockets after close").isEqualTo("0/100");
            assertThat(webSockets(tenant(closed))).as("tenant WebSockets after close").isEqualTo("0/10");
            assertThat(closed.getAsJsonArray("errors")).as("page errors").isEmpty();

            for (Path shot : shots) {
                assertThat(Files.size(shot)).as(shot.toString()).isPositive();
                System.out.println("status page screenshot: " + shot.toAbsolutePath());
            }
        }
    }

    /**
     * Uncached API calls and a cacheable asset (one miss, then hits) through the proxy, and WebSockets left open;
     * every answer checked. The WebSockets are kept in {@link #sockets}.
     */
    private void sendTraffic() throws Exception {
        String base = "http://localhost:" + instance.addresses().get("public-plain").getPort();
        for (int i = 0; i < API_REQUESTS + ASSET_REQUESTS; i++) {
            String path = i < API_REQUESTS ? "/api/time" : "/static/app.css";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(origin.hits("/static/app.css")).as("asset fetched from the origin once").isEqualTo(1);
        for (int i = 0; i < WEB_SOCKETS; i++) {
            sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http:", "ws:") + "/ws/echo"),
                    new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        }
    }

    /** Whether the page's cache numbers are the instance's: entries, and the hit ratio to the shown decimal. */
    private boolean showsCacheStats(JsonObject tenant) {
        TenantStats s = stats();
        long lookups = s.hits() + s.misses();
        double percent = lookups == 0 ? 0 : 100.0 * s.hits() / lookups;
        return tenant.get("cacheEntries").getAsLong() == s.entries()
                && Math.abs(tenant.get("hitRatioPercent").getAsDouble() - percent) <= 0.051;
    }

    private TenantStats stats() {
        return instance.cache().stats(TENANT).orElseThrow();
    }

    /** Reads the page until {@code until} holds, at most {@link #LIVE_UPDATE_TIMEOUT}; returns the last reading. */
    private static JsonObject awaitReading(StatusPageScript page, Predicate<JsonObject> until) throws Exception {
        long deadline = System.nanoTime() + LIVE_UPDATE_TIMEOUT.toNanos();
        JsonObject reading = page.read();
        while (!until.test(reading) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reading = page.read();
        }
        return reading;
    }

    private static JsonObject tenant(JsonObject reading) {
        return reading.getAsJsonObject("tenants").getAsJsonObject(TENANT);
    }

    private static String webSockets(JsonObject o) {
        JsonObject ws = o.getAsJsonObject("webSockets");
        return ws.get("active").getAsInt() + "/" + ws.get("max").getAsInt();
    }
}
