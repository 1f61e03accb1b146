/**
 * The config model: immutable records ({@link io.edgespot.proxy.config.EdgeConfig}) and the YAML loader
 * that reports every problem with its file, line and key path.
 */
package io.edgespot.proxy.config;
