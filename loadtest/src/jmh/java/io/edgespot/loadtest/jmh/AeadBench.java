package io.edgespot.loadtest.jmh;

import io.edgespot.crypto.TenantKeys;
import io.edgespot.proxy.cache.TenantEntrySealer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AEAD seal and open of one cache entry or body segment (AES256-GCM through Tink), at sizes from a small header
 * block to a whole 1 MiB body.
 *
 * <p>{@code keys*} call {@link TenantKeys} directly ({@code keysOpenDirect} opens into a direct buffer, as the
 * cache does for body segments); {@code sealer*} go through the proxy's
 * {@link TenantEntrySealer}, which is what the cache calls. The associated data is an 80-byte cache key, as the
 * cache passes one; {@link TenantKeys} prefixes the tenant to it on every call. The cache seals bodies in segments of
 * at most 64 KiB (HttpCacheBuilder.DEFAULT_SEGMENT_SIZE), so 1 MiB is an upper bound, not the usual case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Longer warm-up than the other benchmarks: at 1 MiB an operation takes tens of milliseconds until the JIT has
// compiled the JDK's AES-GCM loop, which took about 15 s of 1 MiB operations on the shared 2-vCPU machine.
@Warmup(iterations = 6, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AeadBench {

    @Param({"64", "1024", "16384", "65536", "1048576"})
    public int size;

    private TenantKeys keys;
    private TenantEntrySealer sealer;
    private byte[] plaintext;
    private byte[] associatedData;
    private byte[] sealed;
    private ByteBuffer sealedBuffer;
    private ByteBuffer sealedDirect;
    private ByteBuffer directOut;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        keys = TenantKeys.generate("bench-tenant");
        sealer = TenantEntrySealer.of(keys);
        plaintext = new byte[size];
        new SplittableRandom(1).nextBytes(plaintext);
        associatedData = "edgespot-key-v1|bench-tenant|https|www.example.com|/static/app.3f9c2a.js?v=12#####"
                .getBytes(StandardCharsets.US_ASCII);
        sealed = keys.seal(plaintext, associatedData);
        sealedBuffer = ByteBuffer.wrap(sealed);
        sealedDirect = ByteBuffer.allocateDirect(sealed.length).put(sealed).flip();
        directOut = ByteBuffer.allocateDirect(sealed.length);
    }

    @Benchmark
    public byte[] keysSeal() throws GeneralSecurityException {
        return keys.seal(plaintext, associatedData);
    }

    @Benchmark
    public byte[] keysOpen() throws GeneralSecurityException {
        return keys.open(sealed, associatedData);
    }

    /** What a cache hit does for a body segment: open into a direct buffer (BoringSSL, no plaintext array). */
    @Benchmark
    public int keysOpenDirect() throws GeneralSecurityException {
        directOut.clear();
        return keys.open(sealedBuffer, associatedData, directOut);
    }

    /**
     * The same with the sealed bytes already in native memory, so BoringSSL reads them where they are: the floor
     * of an AES-256-GCM open on this machine, and what keeping ciphertext off the heap would leave of a hit.
     */
    @Benchmark
    public int keysOpenDirectFromDirect() throws GeneralSecurityException {
        directOut.clear();
        return keys.open(sealedDirect, associatedData, directOut);
    }

    @Benchmark
    public byte[] sealerSeal() throws GeneralSecurityException {
        return sealer.seal(plaintext, associatedData);
    }

    @Benchmark
    public byte[] sealerOpen() throws GeneralSecurityException {
        return sealer.open(sealed, associatedData);
    }
}
