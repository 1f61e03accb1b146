package io.edgespot.proxy.admin;

/**
 * Where a drain stands. While draining the instance reports not ready, refuses new connections and
 * lets in-flight requests finish.
 *
 * @param draining            whether a drain was started
 * @param sinceEpochMillis    when it started, 0 when not draining
 * @param openConnections     downstream connections still open
 * @param activeRequests      requests still in flight
 */
public record DrainState(boolean draining, long sinceEpochMillis, long openConnections, long activeRequests) {
}
