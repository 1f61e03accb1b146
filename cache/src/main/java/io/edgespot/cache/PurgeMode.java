package io.edgespot.cache;

/** How a purge treats the matching entries. */
public enum PurgeMode {
    /**
     * Marks entries invalid: they are kept but must be revalidated with the origin before reuse (stale-if-error may
     * still serve them while the origin fails).
     */
    SOFT,
    /** Removes entries at once. */
    HARD
}
