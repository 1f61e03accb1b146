package io.edgespot.cache;

/** How the query string of a request enters the cache key. */
public enum QueryMode {
    /** The query is part of the key exactly as received. */
    KEEP,
    /** Parameters are sorted (stably, by their raw {@code name=value} text) so their order does not matter. */
    SORT,
    /** The query is left out of the key; every query variant of a path shares one entry. */
    IGNORE
}
