package io.edgespot.proxy.routing;

import io.edgespot.proxy.config.EdgeConfig.Route;
import io.edgespot.proxy.config.EdgeConfig.RouteMatch;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/** A tenant's routes in order; the first route whose match accepts the request wins. */
public final class RouteTable {

    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * Finds the route for a request.
     *
     * @param method  request method
     * @param path    the path, without query
     * @param headers request headers
     * @return the first matching route, or null
     */
    public Route match(String method, String path, HttpHeaders headers) {
        for (Route r : routes) {
            if (matches(r.match(), method, path, headers)) {
                return r;
            }
        }
        return null;
    }

    private static boolean matches(RouteMatch m, String method, String path, HttpHeaders headers) {
        if (!m.methods().isEmpty() && !m.methods().contains(method)) {
            return false;
        }
        if (m.path().isPresent() && !m.path().get().equals(path)) {
            return false;
        }
        if (m.pathPrefix().isPresent() && !path.startsWith(m.pathPrefix().get())) {
            return false;
        }
        if (m.pathRegex().isPresent() && !m.pathRegex().get().matcher(path).matches()) {
            return false;
        }
        for (Map.Entry<String, String> h : m.headers().entrySet()) {
            if (!h.getValue().equals(headers.get(h.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
