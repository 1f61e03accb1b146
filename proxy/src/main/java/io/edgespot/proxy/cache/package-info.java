/**
 * Glue between the Netty data plane and the cache module: a tenant's Tink keys as the cache's
 * {@link io.edgespot.cache.EntrySealer}, Netty headers to and from {@link io.edgespot.cache.HttpFields}, and
 * cached bodies to and from Netty buffers.
 *
 * <p>Nothing here keeps per-request state; every class is a stateless helper or an immutable, thread-safe
 * object that event loops share.
 */
package io.edgespot.proxy.cache;
