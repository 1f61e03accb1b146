package io.edgespot.cache;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Authenticated encryption and a keyed PRF for one tenant's cache entries.
 *
 * <p>The proxy implements it over the tenant's Tink keyset (an {@code Aead} and a {@code Prf} or {@code Mac}); the
 * cache never sees keys. Large bodies are sealed segment by segment with {@link #seal}: each segment's associated
 * data is the cache key followed by the segment index and a last-segment flag, so segments can neither be reordered,
 * moved to another entry, nor dropped from the end.
 *
 * <p>Implementations must be thread-safe; they are called from event-loop threads and must not block.
 */
public interface EntrySealer {

    /**
     * Encrypts and authenticates {@code plaintext}, binding it to {@code associatedData}.
     *
     * @param plaintext the bytes to protect
     * @param associatedData authenticated but unencrypted context, here the cache key bytes
     * @return the ciphertext
     * @throws GeneralSecurityException if the keyset cannot encrypt
     */
    byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

    /**
     * Decrypts {@code ciphertext} sealed with the same associated data.
     *
     * @param ciphertext bytes produced by {@link #seal}
     * @param associatedData the associated data given to {@link #seal}
     * @return the plaintext
     * @throws GeneralSecurityException if the ciphertext or associated data was altered, or the key is unknown
     */
    byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException;

    /**
     * Decrypts {@code ciphertext} into {@code dst}, accepting exactly what {@link #open(byte[], byte[])} accepts.
     *
     * <p>The cache opens body segments with it, into the buffer the proxy writes to the socket. An implementation
     * that can decrypt into a direct buffer without a plaintext array on the heap should; this default opens
     * through {@link #open(byte[], byte[])} and copies.
     *
     * @param ciphertext bytes produced by {@link #seal}, from its position to its limit; the position does not move
     * @param associatedData the associated data given to {@link #seal}
     * @param dst receives the plaintext at its position, which advances past it; it has at least
     *     {@code ciphertext.remaining()} bytes of room
     * @return the plaintext length
     * @throws GeneralSecurityException if the ciphertext or associated data was altered, or the key is unknown;
     *     {@code dst} then holds no plaintext
     */
    default int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) throws GeneralSecurityException {
        byte[] sealed = new byte[ciphertext.remaining()];
        ciphertext.get(ciphertext.position(), sealed);
        byte[] plaintext = open(sealed, associatedData);
        dst.put(plaintext);
        return plaintext.length;
    }

    /**
     * Computes a keyed pseudo-random function of {@code input}; equal inputs give equal outputs under one keyset.
     *
     * <p>Used for map keys, Vary selectors and purge tags so that none of them is held in clear.
     *
     * @param input the bytes to tag
     * @return at least 16 bytes of PRF output
     */
    byte[] tag(byte[] input);

    /**
     * Returns an identifier that changes whenever entries sealed under the previous keyset can no longer be opened
     * or tagged alike; re-registering a tenant with a sealer of another id drops its entries.
     *
     * <p>It must not reveal key material (a hash of the key ids is enough).
     */
    String keysetId();
}
