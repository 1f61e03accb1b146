package io.edgespot.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.edgespot.cache.PurgeMode;
import io.edgespot.cache.TenantStats;
import io.edgespot.proxy.config.ConfigLoader;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.FileChecks;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AdminServerTest {

    private static final String TOKEN = "t0ken-Value-42";
    private static final String YAML = """
            listeners:
              - { name: public, address: "127.0.0.1:8443", tls: false }
            admin: { address: "127.0.0.1:9901", tokenFile: admin-token }
            keys: { kek: "env:SECRET_VAR" }
            tenants:
              - name: acme
                hosts: [ shop.acme.example ]
                keyset: { file: acme.keyset }
                clusters:
                  app: { endpoints: [ "127.0.0.1:8080", "127.0.0.1:8081" ] }
                routes:
                  - match: { pathPrefix: /api, methods: [ GET ], headers: { x-api-key: match-secret-value } }
                    to: app
                    addHeaders: { authorization: "Bearer upstream-secret-value", x-env: prod }
                  - { to: app }
            """;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final EdgeMetrics metrics = new EdgeMetrics(new PrometheusRegistry());
    private final FakeOps ops = new FakeOps();
    private final List<AdminServer> servers = new ArrayList<>();
    private Path tokenFile;
    private EdgeConfig config;
    private String base;

    @BeforeEach
    void setUp() throws Exception {
        tokenFile = dir.resolve("admin-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.writeString(dir.resolve("acme.keyset"), "{}");
        config = new ConfigLoader(FileChecks.existenceOnly()).parse("edge.yaml", new StringReader(YAML), dir);
        base = start(admin(Optional.of(tokenFile), false));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AdminServer s : servers) {
            s.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static EdgeConfig.Admin admin(Optional<Path> tokenFile, boolean readRequiresToken) {
        return new EdgeConfig.Admin(true, new InetSocketAddress("127.0.0.1", 0), tokenFile, readRequiresToken);
    }

    private String start(EdgeConfig.Admin admin) throws Exception {
        AdminServer server = new AdminServer(admin, metrics, ops);
        servers.add(server);
        int port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void healthzIsAlwaysOpen() throws Exception {
        HttpResponse<String> r = get(base + "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");

        String guarded = start(admin(Optional.of(tokenFile), true));
        assertThat(get(guarded + "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void readyzReportsReasonsWith503() throws Exception {
        assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);

        ops.readiness = new Readiness(false, List.of("draining", "no healthy endpoint for acme/app"));
        HttpResponse<String> r = get(base + "/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("ready").getAsBoolean()).isFalse();
        assertThat(json(r).getAsJsonArray("reasons").toString())
                .isEqualTo("[\"draining\",\"no healthy endpoint for acme/app\"]");
    }

    @Test
    void mutatingEndpointsNeedTheBearerToken() throws Exception {
        HttpResponse<String> none = post("/drain", null, "");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(json(none).get("status").getAsInt()).isEqualTo(401);
        assertThat(ops.drainStarted).isFalse();

        HttpResponse<String> wrong = post("/drain", "not-the-token", "");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("reason").getAsString()).isEqualTo("invalid token");
        assertThat(wrong.body()).doesNotContain("not-the-token").doesNotContain(TOKEN);
        assertThat(ops.drainStarted).isFalse();

        HttpResponse<String> right = post("/drain", TOKEN, "");
        assertThat(right.statusCode()).isEqualTo(202);
        assertThat(json(right).get("draining").getAsBoolean()).isTrue();
        assertThat(json(get(base + "/drain")).get("draining").getAsBoolean()).isTrue();
    }

    @Test
    void withoutATokenFileMutationsAreForbidden() throws Exception {
        base = start(admin(Optional.empty(), false));
        HttpResponse<String> r = post("/reload", "anything", "");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("reason").getAsString()).isEqualTo("admin token not configured");
        assertThat(ops.reloads).isZero();
        assertThat(get(base + "/config").statusCode()).isEqualTo(200);
    }

    @Test
    void readRequiresTokenGuardsReadEndpoints() throws Exception {
        String guarded = start(admin(Optional.of(tokenFile), true));
        for (String path : List.of("/metrics", "/config", "/status.json", "/readyz", "/", "/events", "/drain")) {
            assertThat(get(guarded + path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get(guarded + "/metrics", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(guarded + "/config", "Authorization", "bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(base + "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void purgeValidatesItsBodyAndNamesTheBadField() throws Exception {
        Map<String, String> bad = Map.of(
                "{not json", "body:",
                "[1,2]", "body:",
                "{\"url\":\"https://shop.acme.example/x\"}", "tenant:",
                "{\"tenant\":\"acme\"}", "url:",
                "{\"tenant\":\"acme\",\"url\":\"/relative\"}", "url:",
                "{\"tenant\":\"acme\",\"url\":\"https://shop.acme.example/x\",\"tag\":\"t\"}", "prefix:",
                "{\"tenant\":\"acme\",\"prefix\":\"https://shop.acme.example/x?q=1\"}", "prefix:",
                "{\"tenant\":\"acme\",\"tag\":\"\"}", "tag:",
                "{\"tenant\":\"acme\",\"tag\":\"t\",\"mode\":\"medium\"}", "mode:",
                "{\"tenant\":\"acme\",\"tag\":\"t\",\"prefx\":\"x\"}", "prefx:");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            HttpResponse<String> r = post("/purge", TOKEN, c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("reason").getAsString()).as(c.getKey()).startsWith(c.getValue());
        }
        HttpResponse<String> huge = post("/purge", TOKEN, "{\"tenant\":\"" + "a".repeat(100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(huge).get("status").getAsInt()).isEqualTo(413);
        assertThat(ops.purges).isEmpty();
    }

    @Test
    void purgeHandsAParsedRequestToTheProxy() throws Exception {
        HttpResponse<String> url = post("/purge", TOKEN,
                "{\"tenant\":\"acme\",\"url\":\"https://Shop.Acme.example/x/y?b=2&a=1#frag\",\"mode\":\"soft\"}");
        assertThat(url.statusCode()).isEqualTo(200);
        assertThat(json(url).get("purged").getAsLong()).isEqualTo(3);
        assertThat(post("/purge", TOKEN, "{\"tenant\":\"acme\",\"prefix\":\"http://shop.acme.example:8080\"}")
                .statusCode()).isEqualTo(200);
        assertThat(post("/purge", TOKEN, "{\"tenant\":\"acme\",\"tag\":\"product-7\"}").statusCode()).isEqualTo(200);

        assertThat(ops.purges).containsExactly(
                new PurgeRequest("acme", new PurgeRequest.Url("https", "shop.acme.example", "/x/y?b=2&a=1"),
                        PurgeMode.SOFT),
                new PurgeRequest("acme", new PurgeRequest.Prefix("shop.acme.example:8080", "/"), PurgeMode.HARD),
                new PurgeRequest("acme", new PurgeRequest.Tag("product-7"), PurgeMode.HARD));

        HttpResponse<String> unknown = post("/purge", TOKEN, "{\"tenant\":\"globex\",\"tag\":\"t\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("reason").getAsString()).isEqualTo("unknown tenant 'globex'");
        assertThat(post("/purge", null, "{\"tenant\":\"acme\",\"tag\":\"t\"}").statusCode()).isEqualTo(401);
    }

    @Test
    void reloadAnswers400WithTheProblems() throws Exception {
        ops.reloadResult = new ReloadResult(false, 4,
                List.of("edge.yaml:41: tenants[0].routes[2].to: no cluster named 'orign'"));
        HttpResponse<String> rejected = post("/reload", TOKEN, "");
        assertThat(rejected.statusCode()).isEqualTo(400);
        JsonObject body = json(rejected);
        assertThat(body.get("status").getAsInt()).isEqualTo(400);
        assertThat(body.get("generation").getAsLong()).isEqualTo(4);
        assertThat(body.getAsJsonArray("problems").get(0).getAsString())
                .isEqualTo("edge.yaml:41: tenants[0].routes[2].to: no cluster named 'orign'");

        ops.reloadResult = new ReloadResult(true, 5, List.of());
        HttpResponse<String> applied = post("/reload", TOKEN, "");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(json(applied).get("generation").getAsLong()).isEqualTo(5);
        assertThat(ops.reloads).isEqualTo(2);
    }

    @Test
    void revokeKnowsItsTenants() throws Exception {
        assertThat(post("/tenants/globex/revoke", TOKEN, "").statusCode()).isEqualTo(404);
        assertThat(post("/tenants/..%2F..%2Fetc/revoke", TOKEN, "").statusCode()).isEqualTo(404);
        assertThat(post("/tenants/acme/revoke", null, "").statusCode()).isEqualTo(401);
        HttpResponse<String> r = post("/tenants/acme/revoke", TOKEN, "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ops.revoked).containsExactly("acme");
    }

    @Test
    void configNeverShowsASecret() throws Exception {
        HttpResponse<String> r = get(base + "/config");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN, "SECRET_VAR", "upstream-secret-value", "match-secret-value")
                .contains("env:***", "admin-token", "\"x-env\":\"prod\"", "acme.keyset");
        JsonObject route = json(r).getAsJsonArray("tenants").get(0).getAsJsonObject()
                .getAsJsonArray("routes").get(0).getAsJsonObject();
        assertThat(route.getAsJsonObject("addHeaders").get("authorization").getAsString()).isEqualTo("***");
        assertThat(route.getAsJsonObject("match").getAsJsonObject("headers").get("x-api-key").getAsString())
                .isEqualTo("***");
        assertThat(ConfigView.kekScheme("aws-kms://arn:aws:kms:eu-west-1:1:key/abc")).isEqualTo("aws-kms://***");
        assertThat(ConfigView.kekScheme("file:/etc/edgespot/kek.json")).isEqualTo("file:***");
        assertThat(ConfigView.kekScheme("no-scheme-secret")).isEqualTo("***");
    }

    @Test
    void metricsAreScrapedInBothFormats() throws Exception {
        metrics.requestFinished("acme", "0", 200, 1_000_000);
        HttpResponse<String> text = get(base + "/metrics");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/plain"));
        assertThat(text.body()).contains("edgespot_requests_total{code_class=\"2xx\",route=\"0\",tenant=\"acme\"} 1");

        HttpResponse<String> om = get(base + "/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/openmetrics-text"));
        assertThat(om.body()).endsWith("# EOF\n");
    }

    @Test
    void statusJsonCombinesTheSnapshotRecentRatesAndTotals() throws Exception {
        metrics.requestFinished("acme", "0", 200, 1_000_000);
        metrics.requestFinished("acme", "1", 502, 1_000_000);
        JsonObject s = json(get(base + "/status.json"));
        assertThat(s.get("configGeneration").getAsLong()).isEqualTo(3);
        assertThat(s.getAsJsonArray("listeners").get(0).getAsJsonObject().get("address").getAsString())
                .isEqualTo("127.0.0.1:8443");
        JsonObject tenant = s.getAsJsonArray("tenants").get(0).getAsJsonObject();
        assertThat(tenant.getAsJsonArray("routes").get(0).getAsJsonObject().get("match").getAsString())
                .isEqualTo("GET /api* [x-api-key]");
        assertThat(tenant.getAsJsonObject("cache").get("hitRatio").getAsDouble()).isEqualTo(0.75);
        assertThat(s.getAsJsonObject("recent").get("windowSeconds").getAsInt()).isEqualTo(60);
        JsonObject totals = s.getAsJsonObject("totals").getAsJsonObject("tenants").getAsJsonObject("acme");
        assertThat(totals.get("requests").getAsLong()).isEqualTo(2);
        assertThat(totals.get("serverErrors").getAsLong()).isEqualTo(1);
        assertThat(s.toString()).doesNotContain("match-secret-value");
    }

    @Test
    void eventsStreamTheStatus() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/events")).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data:"));
            assertThat(line).isNotNull();
            JsonObject status = JsonParser.parseString(line.substring("data:".length())).getAsJsonObject();
            assertThat(status.get("configGeneration").getAsLong()).isEqualTo(3);
        }
    }

    @Test
    void statusPageIsSelfContainedAndMobileFriendly() throws Exception {
        HttpResponse<String> r = get(base + "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/html"));
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'none'", "script-src 'sha256-"));
        assertThat(r.body()).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                "new EventSource('events')", "status.json", "textContent");
        assertThat(Pattern.compile("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(r.body()).find()).isFalse();
        assertThat(r.body()).doesNotContain("innerHTML", "http://", "https://");
        assertThat(get(base + "/favicon.ico").statusCode()).as("the icon browsers ask for").isEqualTo(204);
    }

    @Test
    void unknownPathsAndMethodsAnswerJson() throws Exception {
        HttpResponse<String> r = get(base + "/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("status").getAsInt()).isEqualTo(404);
        HttpResponse<String> m = post("/healthz", TOKEN, "");
        assertThat(m.statusCode()).isEqualTo(405);
    }

    @Test
    void portInUseFailsStartWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AdminServer server = new AdminServer(new EdgeConfig.Admin(true,
                    new InetSocketAddress("127.0.0.1", taken.getLocalPort()), Optional.of(tokenFile), false),
                    metrics, ops);
            servers.add(server);
            assertThatThrownBy(() -> server.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(AdminStartException.class)
                    .hasMessageStartingWith("admin listener cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void unreadableOrEmptyTokenFileFailsStart() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        for (Path p : List.of(empty, dir.resolve("missing-token"))) {
            AdminServer server = new AdminServer(admin(Optional.of(p), false), metrics, ops);
            servers.add(server);
            assertThatThrownBy(() -> server.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(AdminStartException.class)
                    .hasMessageContaining(p.toString());
        }
    }

    /** Our own AdminOps, as the proxy runtime will implement it, over the parsed test config. */
    private final class FakeOps implements AdminOps {
        volatile Readiness readiness = new Readiness(true, List.of());
        volatile ReloadResult reloadResult = new ReloadResult(true, 1, List.of());
        volatile boolean drainStarted;
        volatile int reloads;
        final List<PurgeRequest> purges = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Readiness readiness() {
            return readiness;
        }

        @Override
        public ReloadResult reload() {
            reloads++;
            return reloadResult;
        }

        @Override
        public Map<String, Object> effectiveConfig() {
            return ConfigView.redacted(config);
        }

        @Override
        public OptionalLong purge(PurgeRequest request) {
            if (config.tenant(request.tenant()).isEmpty()) {
                return OptionalLong.empty();
            }
            purges.add(request);
            return OptionalLong.of(3);
        }

        @Override
        public DrainState startDrain() {
            drainStarted = true;
            return drainState();
        }

        @Override
        public DrainState drainState() {
            return new DrainState(drainStarted, drainStarted ? 1_700_000_000_000L : 0, 5, 2);
        }

        @Override
        public boolean revoke(String tenant) {
            if (config.tenant(tenant).isEmpty()) {
                return false;
            }
            revoked.add(tenant);
            return true;
        }

        @Override
        public StatusSnapshot status() {
            List<StatusSnapshot.Tenant> tenants = config.tenants().stream().map(t -> new StatusSnapshot.Tenant(
                    t.name(), t.hosts(), t.routes().stream().map(StatusSnapshot.Route::of).toList(),
                    t.clusters().values().stream().map(c -> new StatusSnapshot.Cluster(c.name(),
                            c.endpoints().stream().map(e -> new StatusSnapshot.Endpoint(e.toString(), true, false, 1))
                                    .toList())).toList(),
                    StatusSnapshot.Cache.of(new TenantStats(10, 4096, 1 << 20, 3, 1, 4, 0, 0)),
                    new StatusSnapshot.WebSockets(2, t.webSockets().max()))).toList();
            return new StatusSnapshot(3, drainState(),
                    config.listeners().stream().map(StatusSnapshot.Listener::of).toList(), tenants,
                    new StatusSnapshot.WebSockets(2, config.limits().maxWebSockets()));
        }
    }
}
