package io.edgespot.cache;

import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.cache.TenantEntrySealer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cache key building: {@link PrimaryKey} and {@link VaryKey}, which are package-private.
 *
 * <p>This class lives in the loadtest module's benchmark sources but in package {@code io.edgespot.cache}, so it
 * can call them without widening the cache module's API; on the class path (no JPMS modules) that is the same
 * runtime package. {@code *Digest} add the tenant PRF tag that turns key bytes into the map key
 * (HMAC-SHA256 through {@link TenantEntrySealer#tag}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CacheKeyBench {

    private CacheRequest request;
    private CacheRequest queryRequest;
    private HttpFields responseHeaders;
    private List<String> varyNames;
    private byte[] primaryKey;
    private EntrySealer sealer;

    @Setup
    public void setUp() {
        HttpFields headers = HttpFields.of("accept", "*/*", "accept-encoding", "gzip, deflate, br, zstd",
                "accept-language", "en-GB,en;q=0.7", "user-agent", "Mozilla/5.0 (X11; Linux x86_64)",
                "cookie", "session=4f2c9a1e7b3d5f60");
        request = new CacheRequest("bench-tenant", "GET", "https", "WWW.Example.com:443",
                "/static/app.3f9c2a.js?v=12", headers);
        queryRequest = new CacheRequest("bench-tenant", "GET", "https", "www.example.com",
                "/search?q=shoes&sort=price&page=2&utm_source=news&lang=en", headers);
        responseHeaders = HttpFields.of("vary", "Accept-Encoding, Accept-Language", "vary", "accept-encoding");
        varyNames = VaryKey.names(responseHeaders);
        primaryKey = PrimaryKey.of(request, QueryMode.KEEP).encode();
        sealer = TenantEntrySealer.of(TenantKeys.generate("bench-tenant"));
    }

    @Benchmark
    public byte[] primaryKey() {
        return PrimaryKey.of(request, QueryMode.KEEP).encode();
    }

    @Benchmark
    public byte[] primaryKeySortedQuery() {
        return PrimaryKey.of(queryRequest, QueryMode.SORT).encode();
    }

    @Benchmark
    public List<String> varyNamesFromResponse() {
        return VaryKey.names(responseHeaders);
    }

    @Benchmark
    public byte[] varyKey() {
        return VaryKey.of(primaryKey, varyNames, request.headers());
    }

    // Digest is package-private: the generated harness in io.edgespot.cache.jmh_generated sees only Object.
    @Benchmark
    public Object primaryKeyDigest() {
        return EntryCodec.keyDigest(sealer, PrimaryKey.of(request, QueryMode.KEEP).encode());
    }

    @Benchmark
    public Object varyKeyDigest() {
        return EntryCodec.selectorDigest(sealer, VaryKey.of(primaryKey, varyNames, request.headers()));
    }
}
