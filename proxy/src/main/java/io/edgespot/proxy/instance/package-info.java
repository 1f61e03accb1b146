/**
 * The composition root of a running instance: config, metrics registry, cache, data plane, admin plane, signals
 * and reloads.
 */
package io.edgespot.proxy.instance;
