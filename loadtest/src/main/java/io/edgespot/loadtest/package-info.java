/**
 * The {@code edgespot-load} generator: closed- and open-loop HTTP/1.1 and HTTP/2 load, TLS handshake storms,
 * WebSocket storms and cache-mix runs, measured with HdrHistogram.
 *
 * <p>{@link io.edgespot.loadtest.LoadMain} is the command; {@link io.edgespot.loadtest.Args} parses its flags,
 * {@link io.edgespot.loadtest.Scenarios} picks the {@link io.edgespot.loadtest.Scenario} and every run ends in a
 * {@link io.edgespot.loadtest.Report}. Open-loop runs correct for coordinated omission the way wrk2 does: latency
 * is measured from each request's intended start time.
 */
package io.edgespot.loadtest;
