package io.edgespot.proxy.server;

/**
 * What an exchange knows about its downstream connection.
 *
 * @param listener  the listener name
 * @param clientIp  the client address as text (from the PROXY protocol header when the listener expects one)
 * @param scheme    {@code https} or {@code http}
 * @param tlsTenant the tenant whose certificate the TLS handshake used; null on plain listeners
 */
record ConnectionInfo(String listener, String clientIp, String scheme, String tlsTenant) {
}
