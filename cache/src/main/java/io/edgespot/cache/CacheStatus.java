package io.edgespot.cache;

/**
 * Builds one RFC 9211 {@code Cache-Status} list member, parameters in the RFC's order of definition.
 *
 * <p>{@code hit} and {@code fwd} are exclusive (RFC 9211 §2); a stale response served without going forward is a
 * hit with a negative {@code ttl}. The {@code key} parameter is never emitted: the key holds the URL, which this
 * cache treats as content.
 */
final class CacheStatus {
    private final StringBuilder value;

    private CacheStatus(String cacheName) {
        this.value = new StringBuilder(64).append(cacheName);
    }

    static CacheStatus hit(String cacheName) {
        CacheStatus status = new CacheStatus(cacheName);
        status.value.append("; hit");
        return status;
    }

    static CacheStatus fwd(String cacheName, String reason) {
        CacheStatus status = new CacheStatus(cacheName);
        status.value.append("; fwd=").append(reason);
        return status;
    }

    static CacheStatus none(String cacheName) {
        return new CacheStatus(cacheName);
    }

    CacheStatus fwdStatus(int status) {
        value.append("; fwd-status=").append(status);
        return this;
    }

    CacheStatus ttl(long ttlMillis) {
        value.append("; ttl=").append(Math.floorDiv(ttlMillis, 1000));
        return this;
    }

    CacheStatus stored() {
        value.append("; stored");
        return this;
    }

    /** Adds {@code collapsed} (joined another fetch and reused it) or {@code collapsed=?0} (had to fetch). */
    CacheStatus collapsed(Boolean collapsed) {
        if (collapsed != null) {
            value.append(collapsed ? "; collapsed" : "; collapsed=?0");
        }
        return this;
    }

    CacheStatus detail(String detail) {
        if (detail != null) {
            value.append("; detail=").append(detail);
        }
        return this;
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
