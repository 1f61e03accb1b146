/** Upstream clusters: endpoint health, outlier ejection, balancing and cluster-wide bounds. */
package io.edgespot.proxy.upstream;
