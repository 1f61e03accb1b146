package io.edgespot.loadtest.bench;

import io.edgespot.cache.EntrySealer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * BENCHMARK-ONLY identity sealer: the cache's entries, map keys and tags are held in clear.
 *
 * <p>It exists so that a cache hit with encryption can be compared with the same hit without it (see
 * {@link PlaintextCacheEdge}); it lives in the loadtest module's benchmark sources and is never part of
 * {@code edgespot.jar}, whose cache always seals under the tenant's Tink keys.
 *
 * <p>{@link #seal} and {@link #open(byte[], byte[])} return a copy of their input, as an AEAD returns a new array,
 * and {@link #open(ByteBuffer, byte[], ByteBuffer)} copies its input into the destination once, as the real sealer
 * copies the ciphertext once before decrypting it there: the difference to the real sealer is the cipher work
 * rather than allocations and copies. {@link #tag} is an injective padding of its
 * input ({@code input || 0x80 || 0x00...}, at least 16 bytes) instead of a keyed PRF. Thread-safe (stateless).
 */
final class PlaintextSealer implements EntrySealer {
    static final int MIN_TAG_BYTES = 16;

    private final String keysetId;

    /**
     * @param tenant the tenant it seals for; only names the keyset id
     */
    PlaintextSealer(String tenant) {
        this.keysetId = "plaintext-" + Objects.requireNonNull(tenant, "tenant");
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return plaintext.clone();
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) {
        return ciphertext.clone();
    }

    /**
     * Copies the stored bytes into {@code dst}, once: the real sealer copies the ciphertext once into native memory
     * and decrypts it into {@code dst}, so the difference between the two is the decryption.
     */
    @Override
    public int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) {
        int length = ciphertext.remaining();
        dst.put(ciphertext.duplicate());
        return length;
    }

    @Override
    public byte[] tag(byte[] input) {
        byte[] out = Arrays.copyOf(input, Math.max(MIN_TAG_BYTES, input.length + 1));
        out[input.length] = (byte) 0x80;
        return out;
    }

    @Override
    public String keysetId() {
        return keysetId;
    }
}
