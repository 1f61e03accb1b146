package io.edgespot.proxy.admin;

import java.time.Instant;

/**
 * What the access log knows about one finished request. Built by the data plane on its event loop;
 * formatted later on the access log's own thread.
 *
 * <p>String fields may be {@code null} (or {@code "-"}) when unknown, e.g. no tenant matched or the
 * request never reached an upstream.
 *
 * @param time          when the request head arrived
 * @param clientAddress the downstream client as the data plane reports it (after PROXY protocol)
 * @param method        the request method
 * @param authority     the Host or {@code :authority}
 * @param path          the request target; the log drops its query string and fragment, which may hold tokens
 * @param protocol      e.g. {@code HTTP/1.1} or {@code HTTP/2.0}
 * @param status        the status code sent, 0 when the connection closed before a response
 * @param bytesSent     response body bytes sent downstream
 * @param durationNanos time from the request head to the last response byte
 * @param tenant        the tenant that served it
 * @param route         the route index
 * @param cluster       the upstream cluster
 * @param cacheStatus   the {@code Cache-Status} value, e.g. {@code edgespot; hit}
 * @param requestId     the request id sent upstream and downstream
 * @param referer       the Referer header; logged without its query string
 * @param userAgent     the User-Agent header
 */
public record AccessRecord(Instant time, String clientAddress, String method, String authority, String path,
                           String protocol, int status, long bytesSent, long durationNanos, String tenant,
                           String route, String cluster, String cacheStatus, String requestId, String referer,
                           String userAgent) {
}
