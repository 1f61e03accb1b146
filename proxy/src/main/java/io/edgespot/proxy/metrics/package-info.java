/**
 * Prometheus metrics of the data plane ({@link io.edgespot.proxy.metrics.EdgeMetrics}) and the recent
 * request rates shown on the status page ({@link io.edgespot.proxy.metrics.RecentRates}).
 */
package io.edgespot.proxy.metrics;
