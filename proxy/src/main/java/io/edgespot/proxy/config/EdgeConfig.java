package io.edgespot.proxy.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated, immutable configuration of one edgespot instance.
 *
 * <p>Built only by {@link ConfigLoader}, which checks every field and names the place of every
 * error. Defaults are documented in {@code docs/configuration.md}; each record here mirrors one
 * YAML mapping of that document. Paths are already resolved against the config file's directory.
 *
 * @param source     where the config came from (file name, or {@code <demo>})
 * @param server     process-wide settings
 * @param listeners  downstream listeners, at least one
 * @param admin      the admin listener
 * @param limits     instance-wide bounds
 * @param keys       where the key-encryption key comes from
 * @param accessLog  access log settings
 * @param tenants    the tenants, at least one
 */
public record EdgeConfig(
        String source,
        Server server,
        List<Listener> listeners,
        Admin admin,
        Limits limits,
        Keys keys,
        AccessLog accessLog,
        List<Tenant> tenants) {

    public EdgeConfig {
        listeners = List.copyOf(listeners);
        tenants = List.copyOf(tenants);
    }

    /** Finds a tenant by name. */
    public Optional<Tenant> tenant(String name) {
        return tenants.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * Process-wide settings.
     *
     * @param eventLoops  number of I/O event loops; 0 means one per available core
     * @param transport   the socket transport: {@code auto} (io_uring, else epoll, else NIO) or one by name
     * @param shutdownGrace how long a shutdown waits for in-flight requests
     * @param drainWindow   the window over which a drain closes WebSockets (code 1001), spread uniformly
     * @param trustForwardedHeaders keep incoming X-Forwarded-* values and append, rather than replace them
     * @param forwarded    also send the RFC 7239 {@code Forwarded} header upstream
     * @param via          the pseudonym in the {@code Via} header
     */
    public record Server(int eventLoops, TransportKind transport, Duration shutdownGrace, Duration drainWindow,
                         boolean trustForwardedHeaders, boolean forwarded, String via) {
    }

    /** The socket transports; one the host lacks gives way to the next (io_uring, epoll, NIO). */
    public enum TransportKind { AUTO, IO_URING, EPOLL, NIO }

    /**
     * A downstream listener.
     *
     * @param name          unique name, used in logs and metrics
     * @param address       the socket address to bind
     * @param tls           terminate TLS on this listener
     * @param http2         offer h2 through ALPN (TLS), or accept h2c prior knowledge (plain)
     * @param proxyProtocol expect a PROXY protocol v1/v2 header first
     * @param defaultTenant tenant whose certificate answers an unknown SNI; empty: the handshake fails
     * @param sessionTickets issue and accept TLS session tickets (default on); off, every TLS 1.3 connection
     *                       makes a full handshake (BoringSSL resumes TLS 1.3 through tickets only), as with
     *                       nginx's {@code ssl_session_tickets off}
     */
    public record Listener(String name, InetSocketAddress address, boolean tls, boolean http2,
                           boolean proxyProtocol, Optional<String> defaultTenant, boolean sessionTickets) {
    }

    /**
     * The admin listener.
     *
     * @param enabled          whether to start it
     * @param address          the socket address to bind
     * @param tokenFile        file holding the bearer token for mutating endpoints
     * @param readRequiresToken whether read-only endpoints also need the token
     */
    public record Admin(boolean enabled, InetSocketAddress address, Optional<Path> tokenFile,
                        boolean readRequiresToken) {
    }

    /**
     * Instance-wide bounds. Reaching one is answered with a clear status, never a crash.
     *
     * @param maxConnections      downstream connections per instance; more are closed at accept
     * @param maxConnectionsPerClient downstream connections per client address (after the PROXY header, if any);
     *                            more are closed at accept; 0 for no bound
     * @param maxRequestsPerSecondPerClient requests per second per client address, on average (429 above);
     *                            0 for no bound
     * @param requestBurstPerClient requests a client may send at once on top of that rate; 0 for one second's worth
     * @param maxWebSockets       proxied WebSockets per instance
     * @param headerTimeout       time to receive a complete request head (slowloris bound), 408 after
     * @param idleTimeout         downstream idle time: HTTP/1.1 between requests, HTTP/2 while no stream is open
     * @param maxHeaderBytes      request head size (431 above)
     * @param maxHeaderCount      request header count (431 above)
     * @param maxUriBytes         request target length (414 above)
     * @param maxRequestBodyBytes default request body bound (413 above), routes may override
     * @param http2MaxConcurrentStreams HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS
     * @param http2InitialWindowBytes   HTTP/2 initial stream flow-control window
     * @param http2MaxResetsPerSecond   stream resets a connection may cause per second before GOAWAY
     */
    public record Limits(int maxConnections, int maxConnectionsPerClient, int maxRequestsPerSecondPerClient,
                         int requestBurstPerClient, int maxWebSockets, Duration headerTimeout, Duration idleTimeout,
                         int maxHeaderBytes, int maxHeaderCount, int maxUriBytes, long maxRequestBodyBytes,
                         int http2MaxConcurrentStreams, int http2InitialWindowBytes, int http2MaxResetsPerSecond) {
    }

    /**
     * Where the key-encryption key (KEK) comes from.
     *
     * @param kek {@code file:/path}, {@code env:VAR}, or a KMS URI such as {@code aws-kms://arn:...};
     *            empty when no tenant uses a keyset
     */
    public record Keys(Optional<String> kek) {
    }

    /**
     * Access log.
     *
     * @param enabled whether to write one line per request
     * @param format  {@code json} or {@code combined}
     * @param file    target file; empty means standard output
     */
    public record AccessLog(boolean enabled, String format, Optional<Path> file) {
    }

    /**
     * One customer.
     *
     * @param name        unique tenant name (label-safe: {@code [a-z0-9-]+})
     * @param hosts       exact or {@code *.} wildcard host names, unique across tenants
     * @param certificate certificate and key for TLS listeners
     * @param keyset      the tenant's encrypted Tink keyset; empty disables caching for this tenant
     * @param cache       cache policy
     * @param webSockets  WebSocket policy
     * @param clusters    upstream clusters by name
     * @param routes      routes, first match wins
     */
    public record Tenant(String name, List<String> hosts, Optional<Certificate> certificate, Optional<Path> keyset,
                         TenantCache cache, TenantWebSockets webSockets, Map<String, Cluster> clusters,
                         List<Route> routes) {

        public Tenant {
            hosts = List.copyOf(hosts);
            clusters = Map.copyOf(clusters);
            routes = List.copyOf(routes);
        }
    }

    /** A PEM certificate chain and its private key. */
    public record Certificate(Path cert, Path key) {
    }

    /** How the query string enters the cache key. */
    public enum QueryMode { KEEP, SORT, IGNORE }

    /**
     * A tenant's cache policy.
     *
     * @param enabled        cache this tenant's responses at all
     * @param maxBytes       the tenant's quota of cache memory
     * @param maxObjectBytes largest cacheable body
     * @param query          query normalisation in the cache key
     * @param cacheSetCookie store responses that carry Set-Cookie
     */
    public record TenantCache(boolean enabled, long maxBytes, long maxObjectBytes, QueryMode query,
                              boolean cacheSetCookie) {
    }

    /**
     * A tenant's WebSocket policy.
     *
     * @param max            WebSockets for this tenant on this instance
     * @param idleTimeout    close a WebSocket with no traffic for this long
     * @param maxFrameBytes  largest frame; bigger ones close with 1009
     */
    public record TenantWebSockets(int max, Duration idleTimeout, int maxFrameBytes) {
    }

    /** Load-balancing policies. */
    public enum Balancer { ROUND_ROBIN, LEAST_REQUEST, RING_HASH, MAGLEV }

    /**
     * An upstream cluster in the tenant's overlay.
     *
     * @param name             name, unique within the tenant
     * @param endpoints        endpoints, at least one
     * @param tls              upstream TLS; empty means plain
     * @param balancer         balancing policy
     * @param hashOn           for ring-hash and maglev: {@code header:NAME} or {@code cookie:NAME}
     * @param http2            speak HTTP/2 upstream (requires TLS with ALPN)
     * @param connectTimeout   TCP and TLS connect bound (503 after)
     * @param idleTimeout      pooled connection idle time
     * @param maxConnections   connections to this cluster per instance
     * @param maxPending       requests waiting for a connection (503 with Retry-After above)
     * @param sourceAddress    local address to bind egress to (the overlay interface)
     * @param healthCheck      active health checking; empty disables it
     * @param outlier          passive outlier ejection
     */
    public record Cluster(String name, List<Endpoint> endpoints, Optional<ClusterTls> tls, Balancer balancer,
                          Optional<String> hashOn, boolean http2, Duration connectTimeout, Duration idleTimeout,
                          int maxConnections, int maxPending, Optional<String> sourceAddress,
                          Optional<HealthCheck> healthCheck, Outlier outlier) {

        public Cluster {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** An endpoint given as an IP or host name and a port. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * Upstream TLS.
     *
     * @param ca         CA bundle to verify the upstream with; empty: the system trust store
     * @param clientCert client certificate for mTLS
     * @param clientKey  client key for mTLS
     * @param sni        server name to send and verify; empty: the endpoint host
     */
    public record ClusterTls(Optional<Path> ca, Optional<Path> clientCert, Optional<Path> clientKey,
                             Optional<String> sni) {
    }

    /**
     * Active HTTP health check.
     *
     * @param path               request path
     * @param interval           time between checks
     * @param timeout            check timeout
     * @param healthyThreshold   consecutive passes to become healthy
     * @param unhealthyThreshold consecutive failures to become unhealthy
     */
    public record HealthCheck(String path, Duration interval, Duration timeout, int healthyThreshold,
                              int unhealthyThreshold) {
    }

    /**
     * Passive outlier ejection.
     *
     * @param consecutive5xx           consecutive 5xx responses that eject an endpoint; 0 disables
     * @param consecutiveFailures      consecutive connect failures that eject an endpoint; 0 disables
     * @param baseEjection             first ejection time; doubled on each further ejection
     * @param maxEjection              bound on the doubled ejection time
     */
    public record Outlier(int consecutive5xx, int consecutiveFailures, Duration baseEjection,
                          Duration maxEjection) {
    }

    /**
     * A route: a match, a target cluster and per-route policy.
     *
     * @param index          position in the tenant's route list, used in metric labels
     * @param match          what requests it takes
     * @param to             target cluster name
     * @param cache          consult the cache (only when the tenant has a keyset)
     * @param webSocket      allow WebSocket upgrades
     * @param webSocketMax   optional cap of WebSockets on this route
     * @param timeouts       per-route timeouts
     * @param retry          retry policy
     * @param addHeaders     request headers to set upstream
     * @param removeHeaders  request headers to remove before going upstream
     * @param stripPrefix    path prefix to remove before going upstream
     * @param rewritePrefix  replacement for the stripped prefix
     * @param maxBodyBytes   request body bound (413 above)
     */
    public record Route(int index, RouteMatch match, String to, boolean cache, boolean webSocket,
                        Optional<Integer> webSocketMax, RouteTimeouts timeouts, RetryPolicy retry,
                        Map<String, String> addHeaders, List<String> removeHeaders, Optional<String> stripPrefix,
                        Optional<String> rewritePrefix, long maxBodyBytes) {

        public Route {
            addHeaders = Map.copyOf(addHeaders);
            removeHeaders = List.copyOf(removeHeaders);
        }
    }

    /**
     * What a route matches. Empty parts match anything; all given parts must match.
     *
     * @param pathPrefix path prefix
     * @param path       exact path
     * @param pathRegex  full-match regular expression on the path
     * @param methods    allowed methods (upper case)
     * @param headers    header name (lower case) to exact value
     */
    public record RouteMatch(Optional<String> pathPrefix, Optional<String> path, Optional<Pattern> pathRegex,
                             Set<String> methods, Map<String, String> headers) {

        public RouteMatch {
            methods = Set.copyOf(methods);
            headers = Map.copyOf(headers);
        }
    }

    /**
     * Per-route timeouts.
     *
     * @param firstByte time from the request being sent to the first byte of the response (504)
     * @param total     time for the whole exchange (504)
     */
    public record RouteTimeouts(Duration firstByte, Duration total) {
    }

    /**
     * Retry policy. Retries apply only to idempotent methods or when no byte went upstream, never
     * after a partial response, and are bounded by a budget.
     *
     * @param attempts     extra attempts after the first; 0 disables retries
     * @param on5xx        also retry on 502/503/504 from upstream (idempotent methods only)
     * @param budgetPercent retries allowed as a percentage of active requests per cluster
     */
    public record RetryPolicy(int attempts, boolean on5xx, int budgetPercent) {
    }
}
