package io.edgespot.proxy.admin;

import io.edgespot.cache.PurgeMode;

/**
 * A validated {@code POST /purge}: which tenant, which entries, and how.
 *
 * @param tenant the tenant whose cache to purge
 * @param target the entries: one URL, a URL prefix or a tag
 * @param mode   {@link PurgeMode#HARD} removes, {@link PurgeMode#SOFT} marks stale
 */
public record PurgeRequest(String tenant, Target target, PurgeMode mode) {

    /** Which entries a purge affects; each maps to one {@code HttpCache} purge method. */
    public sealed interface Target permits Url, Prefix, Tag {
    }

    /**
     * One URL, all its Vary variants ({@code HttpCache.purgeUrl}).
     *
     * @param scheme       {@code http} or {@code https}
     * @param authority    host with an optional port, lower case
     * @param pathAndQuery path and query, at least {@code /}
     */
    public record Url(String scheme, String authority, String pathAndQuery) implements Target {
    }

    /**
     * Every URL of a host under a path prefix, over both schemes ({@code HttpCache.purgePrefix}).
     *
     * @param authority  host with an optional port, lower case
     * @param pathPrefix the path prefix, at least {@code /}
     */
    public record Prefix(String authority, String pathPrefix) implements Target {
    }

    /**
     * Every variant stored with this {@code Surrogate-Key} or {@code Cache-Tag} ({@code HttpCache.purgeTag}).
     *
     * @param tag the tag
     */
    public record Tag(String tag) implements Target {
    }
}
