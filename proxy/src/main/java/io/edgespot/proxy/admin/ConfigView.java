package io.edgespot.proxy.admin;

import io.edgespot.proxy.config.EdgeConfig;
import io.edgespot.proxy.config.Units;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The effective config as a JSON-ready tree for {@code GET /config}, with secrets redacted.
 *
 * <p>Keys mirror the YAML of {@code docs/configuration.md}; sizes and durations are written the way the
 * config accepts them. Paths of certificates, keys, keysets and the token file are shown, never file
 * contents. The KEK spec shows only its scheme ({@code env:***}, {@code file:***}, {@code aws-kms://***}),
 * since a spec may embed a secret. Header values of {@code addHeaders} and {@code match.headers} are
 * replaced by {@code ***} when the header name looks like a credential (authorization, cookie, token,
 * key, secret, password, session, signature).
 */
public final class ConfigView {

    static final String REDACTED = "***";
    private static final Pattern SENSITIVE_HEADER =
            Pattern.compile(".*(auth|cookie|token|key|secret|pass|credential|session|signature).*");
    private static final Pattern URI_SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private ConfigView() {
    }

    /** Builds the redacted tree of a config. */
    public static Map<String, Object> redacted(EdgeConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("source", c.source());
        root.put("server", server(c.server()));
        root.put("listeners", c.listeners().stream().map(ConfigView::listener).toList());
        root.put("admin", admin(c.admin()));
        root.put("limits", limits(c.limits()));
        Map<String, Object> keys = new LinkedHashMap<>();
        c.keys().kek().ifPresent(spec -> keys.put("kek", kekScheme(spec)));
        root.put("keys", keys);
        root.put("accessLog", accessLog(c.accessLog()));
        root.put("tenants", c.tenants().stream().map(ConfigView::tenant).toList());
        return root;
    }

    /** Reduces a KEK spec to its scheme: {@code env:***}, {@code file:***}, {@code aws-kms://***}. */
    static String kekScheme(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            return REDACTED;
        }
        String scheme = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!URI_SCHEME.matcher(scheme).matches()) {
            return REDACTED;
        }
        return spec.startsWith("//", colon + 1) ? scheme + "://" + REDACTED : scheme + ":" + REDACTED;
    }

    /** Whether a header's value should be hidden, judged by its name. */
    static boolean sensitiveHeader(String name) {
        return SENSITIVE_HEADER.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    private static Map<String, Object> server(EdgeConfig.Server s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventLoops", s.eventLoops());
        m.put("transport", s.transport().name().toLowerCase(Locale.ROOT));
        m.put("shutdownGrace", Units.formatDuration(s.shutdownGrace()));
        m.put("trustForwardedHeaders", s.trustForwardedHeaders());
        m.put("forwarded", s.forwarded());
        m.put("via", s.via());
        return m;
    }

    private static Map<String, Object> listener(EdgeConfig.Listener l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("address", address(l.address()));
        m.put("tls", l.tls());
        m.put("http2", l.http2());
        m.put("proxyProtocol", l.proxyProtocol());
        l.defaultTenant().ifPresent(t -> m.put("defaultTenant", t));
        return m;
    }

    private static Map<String, Object> admin(EdgeConfig.Admin a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.enabled());
        m.put("address", address(a.address()));
        putPath(m, "tokenFile", a.tokenFile());
        m.put("readRequiresToken", a.readRequiresToken());
        return m;
    }

    private static Map<String, Object> limits(EdgeConfig.Limits l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxConnections", l.maxConnections());
        m.put("maxConnectionsPerClient", l.maxConnectionsPerClient());
        m.put("maxRequestsPerSecondPerClient", l.maxRequestsPerSecondPerClient());
        m.put("requestBurstPerClient", l.requestBurstPerClient());
        m.put("maxWebSockets", l.maxWebSockets());
        m.put("headerTimeout", Units.formatDuration(l.headerTimeout()));
        m.put("idleTimeout", Units.formatDuration(l.idleTimeout()));
        m.put("maxHeaderBytes", Units.formatSize(l.maxHeaderBytes()));
        m.put("maxHeaderCount", l.maxHeaderCount());
        m.put("maxUriBytes", Units.formatSize(l.maxUriBytes()));
        m.put("maxRequestBodyBytes", Units.formatSize(l.maxRequestBodyBytes()));
        m.put("http2MaxConcurrentStreams", l.http2MaxConcurrentStreams());
        m.put("http2InitialWindowBytes", Units.formatSize(l.http2InitialWindowBytes()));
        m.put("http2MaxResetsPerSecond", l.http2MaxResetsPerSecond());
        return m;
    }

    private static Map<String, Object> accessLog(EdgeConfig.AccessLog a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.enabled());
        m.put("format", a.format());
        putPath(m, "file", a.file());
        return m;
    }

    private static Map<String, Object> tenant(EdgeConfig.Tenant t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("hosts", t.hosts());
        t.certificate().ifPresent(c -> {
            Map<String, Object> cert = new LinkedHashMap<>();
            cert.put("cert", c.cert().toString());
            cert.put("key", c.key().toString());
            m.put("certificate", cert);
        });
        t.keyset().ifPresent(k -> m.put("keyset", Map.of("file", k.toString())));
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("enabled", t.cache().enabled());
        cache.put("maxBytes", Units.formatSize(t.cache().maxBytes()));
        cache.put("maxObjectBytes", Units.formatSize(t.cache().maxObjectBytes()));
        cache.put("query", enumName(t.cache().query()));
        cache.put("cacheSetCookie", t.cache().cacheSetCookie());
        m.put("cache", cache);
        Map<String, Object> ws = new LinkedHashMap<>();
        ws.put("max", t.webSockets().max());
        ws.put("idleTimeout", Units.formatDuration(t.webSockets().idleTimeout()));
        ws.put("maxFrameBytes", Units.formatSize(t.webSockets().maxFrameBytes()));
        m.put("webSockets", ws);
        Map<String, Object> clusters = new TreeMap<>();
        t.clusters().forEach((name, c) -> clusters.put(name, cluster(c)));
        m.put("clusters", clusters);
        m.put("routes", t.routes().stream().map(ConfigView::route).toList());
        return m;
    }

    private static Map<String, Object> cluster(EdgeConfig.Cluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoints", c.endpoints().stream().map(EdgeConfig.Endpoint::toString).toList());
        c.tls().ifPresent(tls -> {
            Map<String, Object> t = new LinkedHashMap<>();
            putPath(t, "ca", tls.ca());
            putPath(t, "clientCert", tls.clientCert());
            putPath(t, "clientKey", tls.clientKey());
            tls.sni().ifPresent(s -> t.put("sni", s));
            m.put("tls", t);
        });
        m.put("balancer", enumName(c.balancer()));
        c.hashOn().ifPresent(h -> m.put("hashOn", h));
        m.put("http2", c.http2());
        m.put("connectTimeout", Units.formatDuration(c.connectTimeout()));
        m.put("idleTimeout", Units.formatDuration(c.idleTimeout()));
        m.put("maxConnections", c.maxConnections());
        m.put("maxPending", c.maxPending());
        c.sourceAddress().ifPresent(s -> m.put("sourceAddress", s));
        c.healthCheck().ifPresent(h -> {
            Map<String, Object> hc = new LinkedHashMap<>();
            hc.put("path", h.path());
            hc.put("interval", Units.formatDuration(h.interval()));
            hc.put("timeout", Units.formatDuration(h.timeout()));
            hc.put("healthyThreshold", h.healthyThreshold());
            hc.put("unhealthyThreshold", h.unhealthyThreshold());
            m.put("healthCheck", hc);
        });
        Map<String, Object> outlier = new LinkedHashMap<>();
        outlier.put("consecutive5xx", c.outlier().consecutive5xx());
        outlier.put("consecutiveFailures", c.outlier().consecutiveFailures());
        outlier.put("baseEjection", Units.formatDuration(c.outlier().baseEjection()));
        outlier.put("maxEjection", Units.formatDuration(c.outlier().maxEjection()));
        m.put("outlier", outlier);
        return m;
    }

    private static Map<String, Object> route(EdgeConfig.Route r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", r.index());
        Map<String, Object> match = new LinkedHashMap<>();
        r.match().pathPrefix().ifPresent(p -> match.put("pathPrefix", p));
        r.match().path().ifPresent(p -> match.put("path", p));
        r.match().pathRegex().ifPresent(p -> match.put("pathRegex", p.pattern()));
        if (!r.match().methods().isEmpty()) {
            match.put("methods", new ArrayList<>(new TreeSet<>(r.match().methods())));
        }
        if (!r.match().headers().isEmpty()) {
            match.put("headers", headers(r.match().headers()));
        }
        m.put("match", match);
        m.put("to", r.to());
        m.put("cache", r.cache());
        m.put("webSocket", r.webSocket());
        r.webSocketMax().ifPresent(w -> m.put("webSocketMax", w));
        Map<String, Object> timeouts = new LinkedHashMap<>();
        timeouts.put("firstByte", Units.formatDuration(r.timeouts().firstByte()));
        timeouts.put("total", Units.formatDuration(r.timeouts().total()));
        m.put("timeouts", timeouts);
        Map<String, Object> retry = new LinkedHashMap<>();
        retry.put("attempts", r.retry().attempts());
        retry.put("on5xx", r.retry().on5xx());
        retry.put("budgetPercent", r.retry().budgetPercent());
        m.put("retry", retry);
        if (!r.addHeaders().isEmpty()) {
            m.put("addHeaders", headers(r.addHeaders()));
        }
        if (!r.removeHeaders().isEmpty()) {
            m.put("removeHeaders", r.removeHeaders());
        }
        r.stripPrefix().ifPresent(p -> m.put("stripPrefix", p));
        r.rewritePrefix().ifPresent(p -> m.put("rewritePrefix", p));
        m.put("maxBodyBytes", Units.formatSize(r.maxBodyBytes()));
        return m;
    }

    private static Map<String, Object> headers(Map<String, String> headers) {
        Map<String, Object> m = new TreeMap<>();
        headers.forEach((name, value) -> m.put(name, sensitiveHeader(name) ? REDACTED : value));
        return m;
    }

    private static void putPath(Map<String, Object> m, String key, Optional<Path> path) {
        path.ifPresent(p -> m.put(key, p.toString()));
    }

    /** Formats a socket address as {@code host:port}, with brackets around an IPv6 literal. */
    static String address(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String enumName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
