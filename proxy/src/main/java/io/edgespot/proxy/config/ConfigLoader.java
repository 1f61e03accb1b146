package io.edgespot.proxy.config;

import io.edgespot.proxy.config.EdgeConfig.AccessLog;
import io.edgespot.proxy.config.EdgeConfig.Admin;
import io.edgespot.proxy.config.EdgeConfig.Balancer;
import io.edgespot.proxy.config.EdgeConfig.Certificate;
import io.edgespot.proxy.config.EdgeConfig.Cluster;
import io.edgespot.proxy.config.EdgeConfig.ClusterTls;
import io.edgespot.proxy.config.EdgeConfig.Endpoint;
import io.edgespot.proxy.config.EdgeConfig.HealthCheck;
import io.edgespot.proxy.config.EdgeConfig.Keys;
import io.edgespot.proxy.config.EdgeConfig.Limits;
import io.edgespot.proxy.config.EdgeConfig.Listener;
import io.edgespot.proxy.config.EdgeConfig.Outlier;
import io.edgespot.proxy.config.EdgeConfig.QueryMode;
import io.edgespot.proxy.config.EdgeConfig.RetryPolicy;
import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.config.EdgeConfig.RouteMatch;
import io.edgespot.proxy.config.EdgeConfig.RouteTimeouts;
import io.edgespot.proxy.config.EdgeConfig.Server;
import io.edgespot.proxy.config.EdgeConfig.Tenant;
import io.edgespot.proxy.config.EdgeConfig.TenantCache;
import io.edgespot.proxy.config.EdgeConfig.TenantWebSockets;
import io.edgespot.proxy.config.EdgeConfig.TransportKind;
import io.edgespot.proxy.config.YamlNode.Problems;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML config into an {@link EdgeConfig}, reporting every problem with its file, line and key path.
 *
 * <p>Validation covers types, units, ranges, unknown keys, references between sections (a route's
 * cluster, a listener's default tenant), uniqueness (tenant names, hosts across tenants, listener names
 * and addresses) and, through {@link FileChecks}, the files the config refers to. Defaults are the ones
 * documented in {@code docs/configuration.md}.
 */
public final class ConfigLoader {

    static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_CONFIG_BYTES = 4 << 20;

    private final FileChecks fileChecks;

    /**
     * Creates a loader.
     *
     * @param fileChecks how referenced files (certificates, keys, keysets) are verified
     */
    public ConfigLoader(FileChecks fileChecks) {
        this.fileChecks = fileChecks;
    }

    /**
     * Loads and validates a config file.
     *
     * @param file the YAML file; relative paths inside it resolve against its directory
     * @return the validated config
     * @throws ConfigException with every problem found
     */
    public EdgeConfig load(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw single(name, "file is larger than " + Units.formatSize(MAX_CONFIG_BYTES));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw single(name, "file not found");
        } catch (IOException e) {
            throw single(name, "cannot read file: " + e.getClass().getSimpleName());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(name, new StringReader(text), base);
    }

    /**
     * Parses and validates config text.
     *
     * @param name    the name used in error messages
     * @param reader  the YAML text
     * @param baseDir directory that relative paths resolve against
     * @return the validated config
     * @throws ConfigException with every problem found
     */
    public EdgeConfig parse(String name, Reader reader, Path baseDir) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(MAX_CONFIG_BYTES);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
            throw new ConfigException(List.of(new ConfigProblem(name, line, "", "invalid YAML: " + problem)));
        } catch (YAMLException e) {
            throw single(name, "invalid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw single(name, "the file is empty; a config needs at least 'listeners' and 'tenants'");
        }
        Problems problems = new Problems(name);
        EdgeConfig config = new Reading(new YamlNode(root, "", problems).mapping(), baseDir, problems).config(name);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.list());
        }
        return config;
    }

    private static ConfigException single(String file, String message) {
        return new ConfigException(List.of(new ConfigProblem(file, 0, "", message)));
    }

    /** One pass over one document; holds the state that cross-references need. */
    private final class Reading {
        private final YamlNode root;
        private final Path baseDir;
        private final Problems problems;
        private final Map<String, String> hostOwners = new HashMap<>();

        Reading(YamlNode root, Path baseDir, Problems problems) {
            this.root = root;
            this.baseDir = baseDir;
            this.problems = problems;
        }

        EdgeConfig config(String name) {
            Server server = root.get("server").map(n -> server(n.mapping())).orElseGet(() -> server(emptyMap("server")));
            Limits limits = root.get("limits").map(n -> limits(n.mapping())).orElseGet(() -> limits(emptyMap("limits")));
            Admin admin = root.get("admin").map(n -> admin(n.mapping())).orElseGet(() -> admin(emptyMap("admin")));
            Keys keys = root.get("keys").map(n -> keys(n.mapping())).orElse(new Keys(Optional.empty()));
            AccessLog accessLog = root.get("accessLog").map(n -> accessLog(n.mapping()))
                    .orElse(new AccessLog(false, "json", Optional.empty()));

            List<YamlNode> listenerNodes = root.get("listeners").map(YamlNode::items).orElse(List.of());
            List<YamlNode> tenantNodes = root.get("tenants").map(YamlNode::items).orElse(List.of());
            if (listenerNodes.isEmpty()) {
                problems.add(root.line(), "listeners", "at least one listener is required");
            }
            if (tenantNodes.isEmpty()) {
                problems.add(root.line(), "tenants", "at least one tenant is required");
            }
            List<Listener> listeners = new ArrayList<>();
            Set<String> listenerNames = new LinkedHashSet<>();
            Set<InetSocketAddress> addresses = new LinkedHashSet<>();
            for (YamlNode n : listenerNodes) {
                Listener l = listener(n.mapping());
                if (!listenerNames.add(l.name())) {
                    n.get("name").ifPresent(x -> x.error("duplicate listener name '" + l.name() + "'"));
                }
                if (l.address() != null && l.address().getPort() != 0 && !addresses.add(l.address())) {
                    n.get("address").ifPresent(x -> x.error("another listener already uses " + l.address()));
                }
                listeners.add(l);
            }
            boolean anyTls = listeners.stream().anyMatch(Listener::tls);

            List<Tenant> tenants = new ArrayList<>();
            Set<String> tenantNames = new LinkedHashSet<>();
            for (YamlNode n : tenantNodes) {
                Tenant t = tenant(n.mapping(), limits, anyTls, keys);
                if (!tenantNames.add(t.name())) {
                    n.get("name").ifPresent(x -> x.error("duplicate tenant name '" + t.name() + "'"));
                }
                tenants.add(t);
            }
            for (int i = 0; i < listeners.size(); i++) {
                Optional<String> dflt = listeners.get(i).defaultTenant();
                if (dflt.isPresent() && !tenantNames.contains(dflt.get())) {
                    listenerNodes.get(i).get("defaultTenant")
                            .ifPresent(x -> x.error("no tenant named '" + dflt.get() + "'"));
                }
            }
            if (admin.enabled() && admin.address().getPort() != 0 && addresses.contains(admin.address())) {
                // Placed at admin.address when given, else at the listener that takes the default admin address.
                int line = root.get("admin").flatMap(a -> a.get("address")).map(YamlNode::line).orElse(0);
                for (int i = 0; line == 0 && i < listeners.size(); i++) {
                    if (admin.address().equals(listeners.get(i).address())) {
                        line = listenerNodes.get(i).get("address").map(YamlNode::line).orElse(0);
                    }
                }
                problems.add(line, "admin.address", "a listener already uses " + admin.address());
            }
            root.rejectUnknownKeys();
            return new EdgeConfig(name, server, listeners, admin, limits, keys, accessLog, tenants);
        }

        private YamlNode emptyMap(String path) {
            return YamlNode.emptyMapping(path, root);
        }

        private YamlNode emptyMap(String path, YamlNode at) {
            return YamlNode.emptyMapping(path, at);
        }

        Server server(YamlNode n) {
            Server s = new Server(
                    n.integer("eventLoops", 0, 0, 1024),
                    n.enumValue("transport", TransportKind.class, TransportKind.AUTO),
                    n.duration("shutdownGrace", Duration.ofSeconds(30), Duration.ZERO),
                    n.duration("drainWindow", Duration.ofSeconds(60), Duration.ZERO),
                    n.bool("trustForwardedHeaders", false),
                    n.bool("forwarded", false),
                    n.string("via", "edgespot"));
            n.rejectUnknownKeys();
            return s;
        }

        Limits limits(YamlNode n) {
            Limits l = new Limits(
                    n.integer("maxConnections", 10_000, 1, 10_000_000),
                    n.integer("maxConnectionsPerClient", 0, 0, 10_000_000),
                    n.integer("maxRequestsPerSecondPerClient", 0, 0, 10_000_000),
                    n.integer("requestBurstPerClient", 0, 0, 10_000_000),
                    n.integer("maxWebSockets", 10_000, 0, 10_000_000),
                    n.duration("headerTimeout", Duration.ofSeconds(10), Duration.ofMillis(10)),
                    n.duration("idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(10)),
                    n.intSize("maxHeaderBytes", 64 << 10, 1024, 16 << 20),
                    n.integer("maxHeaderCount", 100, 1, 10_000),
                    n.intSize("maxUriBytes", 8 << 10, 256, 16 << 20),
                    n.size("maxRequestBodyBytes", 10 << 20, 0),
                    n.integer("http2MaxConcurrentStreams", 128, 1, 10_000),
                    // RFC 9113 section 6.9.2: at most 2^31 - 1.
                    n.intSize("http2InitialWindowBytes", 256 << 10, 65_535, Integer.MAX_VALUE),
                    n.integer("http2MaxResetsPerSecond", 100, 1, 1_000_000));
            n.rejectUnknownKeys();
            return l;
        }

        Admin admin(YamlNode n) {
            InetSocketAddress address = n.get("address").flatMap(a -> a.convert(ConfigLoader::parseAddress))
                    .orElse(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9901));
            Optional<Path> tokenFile = n.get("tokenFile").flatMap(t -> existingFile(t));
            Admin a = new Admin(n.bool("enabled", true), address, tokenFile, n.bool("readRequiresToken", false));
            n.rejectUnknownKeys();
            return a;
        }

        Keys keys(YamlNode n) {
            // A relative file: KEK is relative to the config file, like every other path in it.
            Keys k = new Keys(n.optString("kek").map(spec -> spec.startsWith("file:") && !spec.startsWith("file:/")
                    ? resolve(n.get("kek").orElseThrow(), spec.substring("file:".length())).map(p -> "file:" + p)
                            .orElse(spec)
                    : spec));
            k.kek().ifPresent(spec -> {
                if (!(spec.startsWith("file:") || spec.startsWith("env:") || spec.contains("://"))) {
                    n.get("kek").ifPresent(x -> x.error(
                            "expected file:/path, env:VARIABLE or a KMS URI such as aws-kms://..."));
                }
            });
            n.rejectUnknownKeys();
            return k;
        }

        AccessLog accessLog(YamlNode n) {
            String format = n.string("format", "json");
            if (!format.equals("json") && !format.equals("combined")) {
                n.get("format").ifPresent(x -> x.error("expected json or combined, got '" + format + "'"));
            }
            AccessLog a = new AccessLog(n.bool("enabled", true), format,
                    n.optString("file").flatMap(f -> resolve(n.get("file").orElseThrow(), f)));
            n.rejectUnknownKeys();
            return a;
        }

        Listener listener(YamlNode n) {
            String name = n.string("name", "");
            if (name.isEmpty()) {
                n.error("'name' is required");
            }
            InetSocketAddress address = n.get("address").flatMap(a -> a.convert(ConfigLoader::parseAddress))
                    .orElse(null);
            if (n.get("address").isEmpty()) {
                n.error("'address' is required, e.g. \"0.0.0.0:8443\"");
            }
            Optional<String> defaultTenant = n.optString("defaultTenant");
            boolean tls = n.bool("tls", true);
            boolean tickets = n.bool("sessionTickets", true);
            if (!tls && n.get("sessionTickets").isPresent()) {
                n.get("sessionTickets").get().error("'sessionTickets' applies to TLS listeners only");
            }
            Listener l = new Listener(name, address, tls, n.bool("http2", true),
                    n.bool("proxyProtocol", false), defaultTenant, tickets);
            n.rejectUnknownKeys();
            return l;
        }

        Tenant tenant(YamlNode n, Limits limits, boolean anyTls, Keys keys) {
            String name = n.string("name", "");
            if (name.isEmpty()) {
                n.error("'name' is required");
            } else if (!TENANT_NAME.matcher(name).matches()) {
                n.get("name").ifPresent(x -> x.error("must match [a-z0-9][a-z0-9-]* (at most 63 characters), got '"
                        + name + "'"));
            }
            List<String> hosts = new ArrayList<>();
            for (YamlNode h : n.get("hosts").map(YamlNode::items).orElse(List.of())) {
                h.scalar().ifPresent(raw -> {
                    String host = raw.toLowerCase(Locale.ROOT);
                    if (!HOST_NAME.matcher(host).matches()) {
                        h.error("not a host name or *.wildcard: '" + raw + "'");
                        return;
                    }
                    String owner = hostOwners.putIfAbsent(host, name);
                    if (owner != null) {
                        h.error("host '" + host + "' is already used by tenant '" + owner + "'");
                        return;
                    }
                    hosts.add(host);
                });
            }
            if (n.get("hosts").isEmpty()) {
                n.error("'hosts' is required: the host names this tenant serves");
            }
            Optional<Certificate> certificate = n.get("certificate").map(c -> certificate(c.mapping()));
            if (anyTls && certificate.isEmpty()) {
                n.error("'certificate' is required because a listener terminates TLS");
            }
            Optional<Path> keyset = n.get("keyset").flatMap(k -> {
                YamlNode m = k.mapping();
                Optional<Path> file = m.get("file").flatMap(this::existingFile);
                if (m.get("file").isEmpty()) {
                    m.error("'file' is required");
                }
                m.rejectUnknownKeys();
                file.ifPresent(f -> fileChecks.keyset(f, name, keys.kek(), msg -> m.get("file").ifPresent(
                        x -> x.error(msg))));
                return file;
            });
            if (keyset.isPresent() && keys.kek().isEmpty()) {
                n.get("keyset").ifPresent(x -> x.error("a keyset needs 'keys.kek' to decrypt it"));
            }
            TenantCache cache = n.get("cache").map(c -> cache(c.mapping())).orElseGet(() -> cache(emptyMap(
                    n.path() + ".cache", n)));
            TenantWebSockets ws = n.get("webSockets").map(w -> webSockets(w.mapping(), limits))
                    .orElseGet(() -> webSockets(emptyMap(n.path() + ".webSockets", n), limits));

            Map<String, Cluster> clusters = new LinkedHashMap<>();
            n.get("clusters").ifPresentOrElse(
                    c -> c.entries().forEach((cname, cnode) -> clusters.put(cname, cluster(cname, cnode))),
                    () -> n.error("'clusters' is required: where this tenant's traffic goes"));
            List<Route> routes = new ArrayList<>();
            List<YamlNode> routeNodes = n.get("routes").map(YamlNode::items).orElse(List.of());
            if (routeNodes.isEmpty()) {
                n.error("'routes' is required: at least one route");
            }
            for (YamlNode r : routeNodes) {
                routes.add(route(routes.size(), r.mapping(), clusters, limits));
            }
            n.rejectUnknownKeys();
            return new Tenant(name, hosts, certificate, keyset, cache, ws, clusters, routes);
        }

        Certificate certificate(YamlNode n) {
            Optional<Path> cert = n.get("cert").flatMap(this::existingFile);
            Optional<Path> key = n.get("key").flatMap(this::existingFile);
            if (n.get("cert").isEmpty()) {
                n.error("'cert' is required (PEM certificate chain)");
            }
            if (n.get("key").isEmpty()) {
                n.error("'key' is required (PEM private key)");
            }
            n.rejectUnknownKeys();
            if (cert.isPresent() && key.isPresent()) {
                fileChecks.certificate(cert.get(), key.get(), msg -> n.error(msg));
                return new Certificate(cert.get(), key.get());
            }
            return new Certificate(cert.orElse(Path.of("")), key.orElse(Path.of("")));
        }

        TenantCache cache(YamlNode n) {
            TenantCache c = new TenantCache(
                    n.bool("enabled", true),
                    n.size("maxBytes", 256L << 20, 0),
                    n.size("maxObjectBytes", 8L << 20, 0),
                    n.enumValue("query", QueryMode.class, QueryMode.KEEP),
                    n.bool("cacheSetCookie", false));
            if (c.maxObjectBytes() > c.maxBytes()) {
                n.get("maxObjectBytes").ifPresent(x -> x.error("must not exceed maxBytes ("
                        + Units.formatSize(c.maxBytes()) + ")"));
            }
            n.rejectUnknownKeys();
            return c;
        }

        TenantWebSockets webSockets(YamlNode n, Limits limits) {
            TenantWebSockets w = new TenantWebSockets(
                    n.integer("max", limits.maxWebSockets(), 0, 10_000_000),
                    n.duration("idleTimeout", Duration.ofMinutes(5), Duration.ofMillis(10)),
                    n.intSize("maxFrameBytes", 1 << 20, 125, Integer.MAX_VALUE));
            n.rejectUnknownKeys();
            return w;
        }

        Cluster cluster(String name, YamlNode raw) {
            YamlNode n = raw.mapping();
            if (!CLUSTER_NAME.matcher(name).matches()) {
                n.error("cluster name must match [A-Za-z0-9][A-Za-z0-9_-]*");
            }
            List<Endpoint> endpoints = new ArrayList<>();
            for (YamlNode e : n.get("endpoints").map(YamlNode::items).orElse(List.of())) {
                e.convert(ConfigLoader::parseEndpoint).ifPresent(endpoints::add);
            }
            if (n.get("endpoints").isEmpty()) {
                n.error("'endpoints' is required, e.g. [\"10.8.0.11:8080\"]");
            }
            Optional<ClusterTls> tls = n.get("tls").map(t -> clusterTls(t.mapping()));
            Balancer balancer = n.enumValue("balancer", Balancer.class, Balancer.ROUND_ROBIN);
            Optional<String> hashOn = n.optString("hashOn");
            if ((balancer == Balancer.RING_HASH || balancer == Balancer.MAGLEV) && hashOn.isEmpty()) {
                n.get("balancer").ifPresent(x -> x.error("needs 'hashOn' (header:NAME or cookie:NAME)"));
            }
            hashOn.ifPresent(h -> {
                if (!(h.startsWith("header:") || h.startsWith("cookie:")) || h.indexOf(':') == h.length() - 1) {
                    n.get("hashOn").ifPresent(x -> x.error("expected header:NAME or cookie:NAME, got '" + h + "'"));
                }
            });
            boolean http2 = n.bool("http2", false);
            Optional<String> source = n.optString("sourceAddress");
            source.ifPresent(s -> n.get("sourceAddress").ifPresent(x -> x.convert(v -> {
                if (!isIpLiteral(v)) {
                    throw new IllegalArgumentException("expected an IP address, got '" + v + "'");
                }
                return v;
            })));
            Optional<HealthCheck> health = n.get("healthCheck").map(h -> healthCheck(h.mapping()));
            Outlier outlier = n.get("outlier").map(o -> outlier(o.mapping()))
                    .orElseGet(() -> outlier(emptyMap(n.path() + ".outlier", n)));
            Cluster c = new Cluster(name, endpoints, tls, balancer, hashOn, http2,
                    n.duration("connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(1)),
                    n.duration("idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(10)),
                    n.integer("maxConnections", 1024, 1, 1_000_000),
                    n.integer("maxPending", 1024, 0, 1_000_000),
                    source, health, outlier);
            n.rejectUnknownKeys();
            return c;
        }

        ClusterTls clusterTls(YamlNode n) {
            Optional<Path> ca = n.get("ca").flatMap(this::existingFile);
            Optional<Path> cert = n.get("clientCert").flatMap(this::existingFile);
            Optional<Path> key = n.get("clientKey").flatMap(this::existingFile);
            if (n.get("clientCert").isPresent() != n.get("clientKey").isPresent()) {
                n.error("'clientCert' and 'clientKey' go together (mutual TLS needs both)");
            }
            if (cert.isPresent() && key.isPresent()) {
                fileChecks.certificate(cert.get(), key.get(), msg -> n.error(msg));
            }
            ca.ifPresent(f -> fileChecks.caBundle(f, msg -> n.get("ca").ifPresent(x -> x.error(msg))));
            ClusterTls t = new ClusterTls(ca, cert, key, n.optString("sni"));
            n.rejectUnknownKeys();
            return t;
        }

        HealthCheck healthCheck(YamlNode n) {
            String path = n.string("path", "/healthz");
            if (!path.startsWith("/")) {
                n.get("path").ifPresent(x -> x.error("must start with '/'"));
            }
            HealthCheck h = new HealthCheck(path,
                    n.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(50)),
                    n.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(10)),
                    n.integer("healthyThreshold", 2, 1, 100),
                    n.integer("unhealthyThreshold", 3, 1, 100));
            n.rejectUnknownKeys();
            return h;
        }

        Outlier outlier(YamlNode n) {
            Outlier o = new Outlier(
                    n.integer("consecutive5xx", 5, 0, 10_000),
                    n.integer("consecutiveFailures", 5, 0, 10_000),
                    n.duration("baseEjection", Duration.ofSeconds(30), Duration.ofMillis(1)),
                    n.duration("maxEjection", Duration.ofMinutes(5), Duration.ofMillis(1)));
            n.rejectUnknownKeys();
            return o;
        }

        Route route(int index, YamlNode n, Map<String, Cluster> clusters, Limits limits) {
            RouteMatch match = n.get("match").map(m -> match(m.mapping()))
                    .orElse(new RouteMatch(Optional.of("/"), Optional.empty(), Optional.empty(), Set.of(), Map.of()));
            String to = n.string("to", "");
            if (to.isEmpty()) {
                n.error("'to' is required: the cluster this route sends to");
            } else if (!clusters.containsKey(to)) {
                n.get("to").ifPresent(x -> x.error("no cluster named '" + to + "'" + (clusters.isEmpty() ? ""
                        : " (clusters: " + String.join(", ", clusters.keySet()) + ")")));
            }
            RouteTimeouts timeouts = n.get("timeouts").map(t -> {
                YamlNode m = t.mapping();
                RouteTimeouts rt = new RouteTimeouts(
                        m.duration("firstByte", Duration.ofSeconds(30), Duration.ofMillis(1)),
                        m.duration("total", Duration.ofMinutes(5), Duration.ofMillis(1)));
                m.rejectUnknownKeys();
                return rt;
            }).orElse(new RouteTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5)));
            RetryPolicy retry = n.get("retry").map(r -> {
                YamlNode m = r.mapping();
                RetryPolicy p = new RetryPolicy(m.integer("attempts", 1, 0, 10), m.bool("on5xx", false),
                        m.integer("budgetPercent", 20, 0, 100));
                m.rejectUnknownKeys();
                return p;
            }).orElse(new RetryPolicy(1, false, 20));
            Map<String, String> add = new LinkedHashMap<>();
            n.get("addHeaders").ifPresent(h -> h.entries().forEach((k, v) -> {
                if (!HEADER_NAME.matcher(k).matches()) {
                    v.error("not a valid header name");
                }
                v.scalar().ifPresent(value -> {
                    if (value.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
                        v.error("header values must not contain CR, LF or NUL");
                    } else {
                        add.put(k.toLowerCase(Locale.ROOT), value);
                    }
                });
            }));
            List<String> remove = new ArrayList<>();
            n.get("removeHeaders").ifPresent(h -> h.items().forEach(i -> i.scalar()
                    .ifPresent(s -> remove.add(s.toLowerCase(Locale.ROOT)))));
            Optional<String> strip = n.optString("stripPrefix");
            Optional<String> rewrite = n.optString("rewritePrefix");
            strip.ifPresent(s -> {
                if (!s.startsWith("/")) {
                    n.get("stripPrefix").ifPresent(x -> x.error("must start with '/'"));
                }
            });
            boolean webSocket = n.bool("webSocket", false);
            Optional<Integer> wsMax = n.get("webSocketMax").isPresent()
                    ? Optional.of(n.integer("webSocketMax", 0, 0, 10_000_000)) : Optional.empty();
            if (wsMax.isPresent() && !webSocket) {
                n.get("webSocketMax").ifPresent(x -> x.error("only applies with 'webSocket: true'"));
            }
            if (webSocket && clusters.containsKey(to) && clusters.get(to).http2()) {
                n.get("webSocket").ifPresent(x -> x.error("cluster '" + to
                        + "' is HTTP/2 upstream; WebSockets are proxied over HTTP/1.1 upstream connections"));
            }
            Route r = new Route(index, match, to, n.bool("cache", true), webSocket, wsMax, timeouts, retry, add,
                    remove, strip, rewrite, n.size("maxBodyBytes", limits.maxRequestBodyBytes(), 0));
            n.rejectUnknownKeys();
            return r;
        }

        RouteMatch match(YamlNode n) {
            Optional<String> prefix = n.optString("pathPrefix");
            Optional<String> exact = n.optString("path");
            Optional<Pattern> regex = n.get("pathRegex").flatMap(x -> x.convert(s -> {
                try {
                    return Pattern.compile(s);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regular expression: " + e.getDescription());
                }
            }));
            int given = (prefix.isPresent() ? 1 : 0) + (exact.isPresent() ? 1 : 0)
                    + (n.get("pathRegex").isPresent() ? 1 : 0);
            if (given > 1) {
                n.error("give only one of pathPrefix, path and pathRegex");
            }
            prefix.ifPresent(p -> {
                if (!p.startsWith("/")) {
                    n.get("pathPrefix").ifPresent(x -> x.error("must start with '/'"));
                }
            });
            exact.ifPresent(p -> {
                if (!p.startsWith("/")) {
                    n.get("path").ifPresent(x -> x.error("must start with '/'"));
                }
            });
            Set<String> methods = new LinkedHashSet<>();
            n.get("methods").ifPresent(m -> m.items().forEach(i -> i.scalar().ifPresent(s -> {
                if (!HEADER_NAME.matcher(s).matches()) {
                    i.error("not a valid method: '" + s + "'");
                } else {
                    methods.add(s.toUpperCase(Locale.ROOT));
                }
            })));
            Map<String, String> headers = new LinkedHashMap<>();
            n.get("headers").ifPresent(h -> h.entries().forEach((k, v) -> v.scalar()
                    .ifPresent(val -> headers.put(k.toLowerCase(Locale.ROOT), val))));
            n.rejectUnknownKeys();
            return new RouteMatch(given == 0 ? Optional.of("/") : prefix, exact, regex, methods, headers);
        }

        /** Resolves a path from the config against its directory; a malformed one is an error at {@code n}. */
        private Optional<Path> resolve(YamlNode n, String path) {
            try {
                return Optional.of(baseDir.resolve(path));
            } catch (InvalidPathException e) {
                n.error("not a valid path: " + e.getReason());
                return Optional.empty();
            }
        }

        private Optional<Path> existingFile(YamlNode n) {
            return n.scalar().flatMap(s -> resolve(n, s)).flatMap(p -> {
                if (!Files.exists(p)) {
                    n.error("file not found: " + p);
                    return Optional.empty();
                }
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    n.error("not a readable file: " + p);
                    return Optional.empty();
                }
                return Optional.of(p);
            });
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code :port}.
     *
     * @throws IllegalArgumentException with a config-ready message
     */
    static InetSocketAddress parseAddress(String text) {
        Endpoint e = parseEndpoint(text.startsWith(":") ? "0.0.0.0" + text : text);
        if (!isIpLiteral(e.host()) && !e.host().equals("localhost")) {
            throw new IllegalArgumentException("expected an IP address and port, got '" + text + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(e.host()), e.port());
        } catch (UnknownHostException ex) {
            throw new IllegalArgumentException("cannot resolve '" + e.host() + "'");
        }
    }

    /**
     * Parses an endpoint {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException with a config-ready message
     */
    static Endpoint parseEndpoint(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port, got '" + text + "'");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in '" + text + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + p);
        }
        if (!isIpLiteral(host) && !HOST_NAME.matcher(host.toLowerCase(Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("invalid host in '" + text + "'");
        }
        return new Endpoint(host, p);
    }

    static boolean isIpLiteral(String host) {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            // Each octet at most 255, or InetAddress would take it for a host name and ask DNS.
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        return host.indexOf(':') >= 0 && host.matches("[0-9a-fA-F:.]+");
    }
}
