package io.edgespot.cache;

import java.util.List;
import java.util.Set;

/** Turns an opened stored response into a {@link LookupResult.Hit}: Age, Cache-Status, 304 and HEAD handling. */
final class HitAssembler {
    /** Fields a 304 carries (RFC 9110 §15.4.5), plus this cache's own. */
    private static final Set<String> NOT_MODIFIED_FIELDS =
            Set.of("cache-control", "content-location", "date", "etag", "expires", "vary", "age", "cache-status");

    private HitAssembler() {
    }

    static LookupResult.Hit assemble(TenantStore store, CacheRequest request, Digest keyDigest,
                                     CacheExchange.Selection selection, EntryCodec.Head head, long now,
                                     String cacheStatus) {
        StoredVariant variant = selection.variant();
        HttpFields.Builder builder = head.headers().toBuilder();
        ResponsePolicy.CACHE_ONLY_FIELDS.forEach(builder::remove);
        builder.set("age", Long.toString(Math.max(0, variant.freshness().currentAgeMillis(now) / 1000)));
        List<String> upstream = head.headers().getAll("cache-status");
        builder.set("cache-status", upstream.isEmpty() ? cacheStatus
                : String.join(", ", upstream) + ", " + cacheStatus);
        HttpFields headers = builder.build();
        if (variant.status() == 200 && Validators.notModified(request.headers(), head.headers())) {
            HttpFields.Builder notModified = HttpFields.builder();
            headers.forEach((name, value) -> {
                if (NOT_MODIFIED_FIELDS.contains(name)) {
                    notModified.add(name, value);
                }
            });
            return new LookupResult.Hit(304, notModified.build(), CachedBody.EMPTY, cacheStatus);
        }
        CachedBody body = "HEAD".equals(request.method()) ? CachedBody.EMPTY
                : new SealedBody(head.inlineBody(), variant.sealedSegments(), store.sealer(), selection.fullKey(),
                        variant.bodyLength(), () -> store.dropCorrupt(keyDigest, variant.selector()));
        return new LookupResult.Hit(variant.status(), headers, body, cacheStatus);
    }

    /**
     * Cuts a full 200 hit to the request's Range: a 206 with {@code Content-Range} and the bytes of the range, a 416
     * when no byte of it exists, or the hit unchanged (another status, or a Range that is ignored).
     *
     * @param segmentSize the plaintext size of every stored segment but the last
     */
    static LookupResult.Hit withRange(LookupResult.Hit hit, CacheRequest request, HttpFields stored,
                                      int segmentSize) {
        if (hit.status() != 200) {
            return hit;
        }
        long length = hit.body().length();
        ByteRanges.Outcome outcome = ByteRanges.resolve(request.headers(), stored, length);
        if (outcome instanceof ByteRanges.Part part) {
            HttpFields headers = hit.headers().toBuilder().set("content-range", part.contentRange(length)).build();
            return new LookupResult.Hit(206, headers,
                    new RangedBody(hit.body(), part.first(), part.length(), segmentSize), hit.cacheStatus());
        }
        if (outcome instanceof ByteRanges.Unsatisfiable) {
            HttpFields.Builder headers = HttpFields.builder().add("content-range", "bytes */" + length);
            hit.headers().getAll("cache-status").forEach(value -> headers.add("cache-status", value));
            return new LookupResult.Hit(416, headers.build(), CachedBody.EMPTY, hit.cacheStatus());
        }
        return hit;
    }
}
