/**
 * The admin plane: the admin HTTP API and status page ({@link io.edgespot.proxy.admin.AdminServer}) over
 * the operations the proxy runtime offers ({@link io.edgespot.proxy.admin.AdminOps}), the redacted
 * config view, and the access log.
 */
package io.edgespot.proxy.admin;
