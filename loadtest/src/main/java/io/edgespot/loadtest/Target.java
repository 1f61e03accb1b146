package io.edgespot.loadtest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The parsed {@code --url}: scheme, host, port and request target, plus the loopback safety check.
 */
public final class Target {

    private final URI uri;
    private final String scheme;
    private final String host;
    private final int port;
    private final String pathAndQuery;

    private Target(URI uri, String scheme, String host, int port, String pathAndQuery) {
        this.uri = uri;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.pathAndQuery = pathAndQuery;
    }

    /**
     * Parses a URL with scheme {@code http}, {@code https}, {@code ws} or {@code wss}.
     *
     * @param url the URL text
     * @return the target
     * @throws ArgsException if the URL is malformed or has another scheme
     */
    public static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ArgsException("bad --url '" + url + "': " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        switch (scheme) {
            case "http":
            case "ws":
                tls = false;
                break;
            case "https":
            case "wss":
                tls = true;
                break;
            default:
                throw new ArgsException("bad --url '" + url + "': scheme must be http, https, ws or wss");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ArgsException("bad --url '" + url + "': no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(uri, scheme, host, port, pathAndQuery);
    }

    /**
     * Refuses hosts that are not loopback unless remote targets were allowed explicitly.
     *
     * <p>Only {@code localhost} and literal addresses count as loopback: a name would need a DNS lookup, and a
     * benchmark must not be pointed at somebody else's machine by a typo.
     *
     * @param allowRemote whether {@code --allow-remote} was given
     * @throws ArgsException if the host is not loopback and remote targets were not allowed
     */
    public void checkAllowed(boolean allowRemote) {
        if (!allowRemote && !isLoopback()) {
            throw new ArgsException("refusing non-loopback target " + host
                + " (only 127.0.0.0/8, ::1 and localhost are allowed without --allow-remote)");
        }
    }

    /**
     * Tells whether the host is {@code localhost}, an address in 127.0.0.0/8 or {@code ::1}.
     *
     * @return true for a loopback host
     */
    public boolean isLoopback() {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        if (!looksLikeAddressLiteral(host)) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean looksLikeAddressLiteral(String h) {
        return h.contains(":") || h.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /**
     * Resolves the host to the socket address to connect to.
     *
     * @return the resolved address
     * @throws ArgsException if the host cannot be resolved
     */
    public InetSocketAddress resolve() {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new ArgsException("cannot resolve host " + host);
        }
    }

    /** @return the URL as given */
    public URI uri() {
        return uri;
    }

    /** @return the lower-case scheme */
    public String scheme() {
        return scheme;
    }

    /** @return true for {@code https} and {@code wss} */
    public boolean tls() {
        return "https".equals(scheme) || "wss".equals(scheme);
    }

    /** @return true for {@code ws} and {@code wss} */
    public boolean webSocket() {
        return "ws".equals(scheme) || "wss".equals(scheme);
    }

    /** @return the host without IPv6 brackets */
    public String host() {
        return host;
    }

    /** @return the port, defaulted from the scheme */
    public int port() {
        return port;
    }

    /** @return the raw path and query, {@code /} when the URL has none */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** @return the value for the {@code Host} header or {@code :authority} */
    public String authority() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        boolean defaultPort = port == (tls() ? 443 : 80);
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
