package io.edgespot.proxy.admin;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.metrics.EdgeMetrics;
import io.edgespot.proxy.metrics.RecentRates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener, on Vert.x Web.
 *
 * <p>Read-only: {@code GET /healthz} and {@code /favicon.ico} (always open, the latter an empty 204),
 * {@code /readyz}, {@code /metrics}, {@code /config}, {@code /status.json}, {@code /events} (Server-Sent
 * Events, the status every 2 s), {@code /drain} and {@code /} (the status page). These need the bearer
 * token only when {@code admin.readRequiresToken} is set. Mutating, always with
 * {@code Authorization: Bearer TOKEN} from {@code admin.tokenFile}: {@code POST /reload}, {@code /drain},
 * {@code /purge}, {@code /tenants/{name}/revoke}; without a token file they answer 403. Errors are
 * {@code {"status":N,"reason":"..."}}.
 *
 * <p>It runs its own small Vert.x instance (one event loop) apart from the Netty data plane. Calls into
 * {@link AdminOps} run on Vert.x workers; mutating calls one at a time.
 */
public final class AdminServer {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final long EVENT_PERIOD_MILLIS = 2_000;
    private static final long RATE_SAMPLE_MILLIS = 5_000;
    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    private static final int MAX_EVENT_STREAMS = 32;
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Map<Integer, String> ERROR_REASONS = Map.of(400, "bad request", 401, "unauthorized",
            403, "forbidden", 404, "not found", 405, "method not allowed", 413, "request body too large",
            500, "internal error");

    private final EdgeConfig.Admin config;
    private final EdgeMetrics metrics;
    private final AdminOps ops;
    private final RecentRates rates;
    private final Gson gson = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();
    private Vertx vertx;
    private WorkerExecutor mutations;
    private AdminAuth auth;
    private boolean closed;

    /**
     * @param config  where to listen and how to authenticate
     * @param metrics the metrics served at {@code /metrics} and sampled for recent rates
     * @param ops     the running proxy
     */
    public AdminServer(EdgeConfig.Admin config, EdgeMetrics metrics, AdminOps ops) {
        this.config = config;
        this.metrics = metrics;
        this.ops = ops;
        this.rates = new RecentRates(metrics, RATE_WINDOW);
    }

    /**
     * Reads the token file and binds the listener.
     *
     * @return completes with the bound port (useful with port 0), or fails with an
     *         {@link AdminStartException} naming the address or the token file
     */
    public synchronized CompletionStage<Integer> start() {
        if (vertx != null) {
            throw new IllegalStateException("an admin server starts once");
        }
        try {
            auth = AdminAuth.load(config);
        } catch (AdminStartException e) {
            return CompletableFuture.failedFuture(e);
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        mutations = vertx.createSharedWorkerExecutor("edgespot-admin-mutations", 1);
        Vertx v = vertx;
        String address = ConfigView.address(config.address());
        CompletableFuture<Integer> started = new CompletableFuture<>();
        v.createHttpServer()
                .requestHandler(router())
                .listen(config.address().getPort(), config.address().getHostString())
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        v.setPeriodic(RATE_SAMPLE_MILLIS, id -> rates.sample());
                        int port = ar.result().actualPort();
                        LOG.info("admin listener on {}", ConfigView.address(
                                new InetSocketAddress(config.address().getAddress(), port)));
                        started.complete(port);
                    } else {
                        started.completeExceptionally(new AdminStartException(
                                "admin listener cannot bind " + address + ": " + ar.cause().getMessage(), ar.cause()));
                        close();
                    }
                });
        return started;
    }

    /** Stops the listener and its Vert.x instance; open event streams are closed. */
    public synchronized CompletionStage<Void> close() {
        if (vertx == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        return vertx.close().toCompletionStage();
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("ok\n"));
        router.get("/readyz").handler(this::readGuard)
                .handler(ctx -> read(ctx, ops::readiness, r -> json(ctx, r.ready() ? 200 : 503, r)));
        router.get("/metrics").handler(this::readGuard).handler(this::metrics);
        router.get("/config").handler(this::readGuard)
                .handler(ctx -> read(ctx, ops::effectiveConfig, c -> json(ctx, 200, c)));
        router.get("/status.json").handler(this::readGuard)
                .handler(ctx -> read(ctx, this::status, s -> json(ctx, 200, s)));
        StatusFeed feed = new StatusFeed(vertx, this::statusLine, EVENT_PERIOD_MILLIS, MAX_EVENT_STREAMS);
        router.get("/events").handler(this::readGuard).handler(ctx -> {
            if (!feed.subscribe(ctx.response())) {
                error(ctx, 503, "too many event streams");
            }
        });
        router.get("/drain").handler(this::readGuard)
                .handler(ctx -> read(ctx, ops::drainState, s -> json(ctx, 200, s)));
        router.get("/").handler(this::readGuard).handler(StatusPage::serve);
        // browsers ask for an icon beside every page; the page has none, and a 404 shows as an error in the console
        router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());

        router.post("/reload").handler(this::writeGuard).handler(this::reload);
        router.post("/drain").handler(this::writeGuard)
                .handler(ctx -> mutate(ctx, ops::startDrain, s -> json(ctx, 202, s)));
        // Vert.x Web wants body handlers ahead of user handlers; the body is bounded to 64 KiB.
        router.post("/purge").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::writeGuard).handler(this::purge);
        router.post("/tenants/:tenant/revoke").handler(this::writeGuard).handler(this::revoke);

        ERROR_REASONS.forEach((status, reason) -> router.errorHandler(status, ctx -> {
            if (ctx.failure() != null) {
                LOG.error("admin: {} {} failed", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
            }
            error(ctx, status, reason);
        }));
        return router;
    }

    private void readGuard(RoutingContext ctx) {
        guard(ctx, false);
    }

    private void writeGuard(RoutingContext ctx) {
        guard(ctx, true);
    }

    private void guard(RoutingContext ctx, boolean mutating) {
        auth.check(ctx.request().getHeader("Authorization"), mutating).ifPresentOrElse(denial -> {
            if (denial.status() == 401) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"edgespot-admin\"");
            }
            error(ctx, denial.status(), denial.reason());
        }, ctx::next);
    }

    private void metrics(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        read(ctx, () -> metrics.scrape(accept), s -> ctx.response().putHeader("Content-Type", s.contentType())
                .end(Buffer.buffer(s.body())));
    }

    private void reload(RoutingContext ctx) {
        mutate(ctx, ops::reload, r -> {
            if (r.applied()) {
                json(ctx, 200, r);
            } else {
                Map<String, Object> body = errorBody(400, "config rejected");
                body.put("generation", r.generation());
                body.put("problems", r.problems());
                json(ctx, 400, body);
            }
        });
    }

    private void purge(RoutingContext ctx) {
        PurgeRequest request;
        try {
            request = PurgeBody.parse(ctx.body().asString("UTF-8"));
        } catch (PurgeBody.Malformed e) {
            error(ctx, 400, e.getMessage());
            return;
        }
        mutate(ctx, () -> ops.purge(request), n -> {
            if (n.isPresent()) {
                json(ctx, 200, Map.of("purged", n.getAsLong()));
            } else {
                unknownTenant(ctx, request.tenant());
            }
        });
    }

    private void revoke(RoutingContext ctx) {
        String tenant = ctx.pathParam("tenant");
        if (!TENANT_NAME.matcher(tenant).matches()) {
            unknownTenant(ctx, tenant);
            return;
        }
        mutate(ctx, () -> ops.revoke(tenant), ok -> {
            if (ok) {
                json(ctx, 200, Map.of("revoked", tenant));
            } else {
                unknownTenant(ctx, tenant);
            }
        });
    }

    /**
     * The status snapshot plus the request rates of the last minute and the request totals since start;
     * runs on a worker.
     */
    private JsonObject status() {
        JsonObject status = gson.toJsonTree(ops.status()).getAsJsonObject();
        JsonObject recent = new JsonObject();
        recent.addProperty("windowSeconds", RATE_WINDOW.toSeconds());
        recent.add("tenants", gson.toJsonTree(rates.rates()));
        status.add("recent", recent);
        JsonObject totals = new JsonObject();
        totals.add("tenants", gson.toJsonTree(metrics.requestTotalsByTenant()));
        status.add("totals", totals);
        return status;
    }

    private Future<String> statusLine() {
        return vertx.executeBlocking(() -> gson.toJson(status()), false)
                .onFailure(e -> LOG.error("admin: status for /events failed", e));
    }

    private <T> void read(RoutingContext ctx, Callable<T> call, Consumer<T> reply) {
        vertx.executeBlocking(call, false).onComplete(ar -> respond(ctx, ar.succeeded(), ar.result(), ar.cause(),
                reply));
    }

    private <T> void mutate(RoutingContext ctx, Callable<T> call, Consumer<T> reply) {
        mutations.executeBlocking(call, true).onComplete(ar -> respond(ctx, ar.succeeded(), ar.result(),
                ar.cause(), reply));
    }

    private static <T> void respond(RoutingContext ctx, boolean ok, T result, Throwable failure, Consumer<T> reply) {
        if (ok) {
            reply.accept(result);
        } else {
            ctx.fail(500, failure);
        }
    }

    private void unknownTenant(RoutingContext ctx, String tenant) {
        error(ctx, 404, TENANT_NAME.matcher(tenant).matches() ? "unknown tenant '" + tenant + "'" : "unknown tenant");
    }

    private void error(RoutingContext ctx, int status, String reason) {
        json(ctx, status, errorBody(status, reason));
    }

    private static Map<String, Object> errorBody(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("reason", reason);
        return body;
    }

    private void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(gson.toJson(body) + "\n");
    }
}
