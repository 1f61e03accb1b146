package io.edgespot.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the AES-GCM ciphertexts of a Tink keyset into a direct buffer with BoringSSL, in place, without an
 * array on the Java heap.
 *
 * <p>Tink's {@code Aead} takes and returns arrays, so opening a 64 KiB cache segment through it costs a
 * plaintext array, the JDK's two-pass GCM and, later, a copy into the socket's direct buffer. This class reads
 * Tink's wire format itself (5-byte output prefix naming the key, 12-byte IV, ciphertext, 16-byte tag) for the
 * enabled {@code AES*_GCM} keys with a Tink prefix, copies the ciphertext to native memory (a per-thread scratch
 * buffer) and decrypts it into the destination with Conscrypt's cipher, which BoringSSL runs over native memory. Sealing stays with Tink, and anything
 * this class does not recognise (another key type, a raw key, an unknown or disabled key id) is left to Tink by
 * returning {@link #DECLINED}, so the two paths accept exactly the same ciphertexts.
 *
 * <p>Thread-safe: each open uses a {@link Cipher} of its own, which becomes garbage right after. A cipher is not
 * kept for reuse because Conscrypt's keeps the last associated data (the cache key, in clear) until it is
 * initialised again, and a heap dump must not find it. Raw key bytes live only in the {@link SecretKeySpec}s held
 * here, as they do inside Tink's own primitive; nothing here logs or formats them.
 */
final class DirectGcmOpener {
    /** Returned by {@link #open} when Tink must handle the ciphertext. */
    static final int DECLINED = -1;

    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** The largest sealed body copied to the per-thread scratch buffer; a cache segment is 64 KiB by default. */
    private static final int SCRATCH_LIMIT = 1024 * 1024 + TAG_BYTES;
    /**
     * Per-thread native memory the sealed bytes are copied to before BoringSSL reads them; it only ever holds
     * ciphertext. Shared by all tenants' openers so that an event loop holds one, however many tenants there are.
     */
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 * 1024 + TAG_BYTES));

    private final List<PrefixedKey> keys;
    private final Provider provider;

    private record PrefixedKey(byte[] prefix, SecretKeySpec key) {
    }

    private DirectGcmOpener(List<PrefixedKey> keys, Provider provider) {
        this.keys = List.copyOf(keys);
        this.provider = provider;
    }

    /**
     * Returns an opener for the enabled Tink-prefixed AES-GCM keys of {@code handle}, or {@code null} when there
     * are none or no provider is given (then every open goes through Tink).
     *
     * @param handle an AEAD keyset
     * @param provider Conscrypt's provider, or {@code null} where Conscrypt is not available
     */
    static DirectGcmOpener of(KeysetHandle handle, Provider provider) {
        if (provider == null) {
            return null;
        }
        List<PrefixedKey> keys = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            if (entry.getStatus() != KeyStatus.ENABLED || !(entry.getKey() instanceof AesGcmKey key)) {
                continue;
            }
            AesGcmParameters parameters = key.getParameters();
            byte[] prefix = key.getOutputPrefix().toByteArray();
            if (prefix.length == 0 || parameters.getIvSizeBytes() != IV_BYTES
                    || parameters.getTagSizeBytes() != TAG_BYTES) {
                continue;
            }
            keys.add(new PrefixedKey(prefix,
                    new SecretKeySpec(key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), "AES")));
        }
        return keys.isEmpty() ? null : new DirectGcmOpener(keys, provider);
    }

    /**
     * Decrypts {@code ciphertext} into {@code dst} at its position.
     *
     * @param ciphertext a Tink AEAD ciphertext, from its position to its limit; its position does not move
     * @param associatedData the full associated data, as Tink was given it
     * @param dst a direct buffer with at least {@code ciphertext.remaining()} bytes remaining; its position
     *     advances by the plaintext length
     * @return the plaintext length, or {@link #DECLINED} if Tink must open this ciphertext
     * @throws GeneralSecurityException if the ciphertext is not authentic; {@code dst} then holds zeros where the
     *     plaintext would have gone
     */
    int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) throws GeneralSecurityException {
        PrefixedKey key = keyFor(ciphertext);
        int headerBytes = key == null ? 0 : key.prefix().length + IV_BYTES;
        int bodyBytes = ciphertext.remaining() - headerBytes;
        if (key == null || bodyBytes < TAG_BYTES || !dst.isDirect() || dst.remaining() < bodyBytes) {
            return DECLINED;
        }
        int start = ciphertext.position();
        byte[] iv = new byte[IV_BYTES];
        ciphertext.get(start + key.prefix().length, iv);
        int at = dst.position();
        ByteBuffer in = sourceFor(ciphertext.duplicate().position(start + headerBytes), dst);
        ByteBuffer out = dst.duplicate();
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BYTES * Byte.SIZE, iv));
            cipher.updateAAD(associatedData);
            int plaintext = cipher.doFinal(in, out);
            dst.position(at + plaintext);
            return plaintext;
        } catch (GeneralSecurityException | RuntimeException e) {
            ByteBuffer wipe = dst.duplicate();
            for (int i = at; i < at + bodyBytes; i++) {
                wipe.put(i, (byte) 0);
            }
            if (e instanceof AEADBadTagException bad) {
                throw bad;
            }
            throw new GeneralSecurityException("AES-GCM open failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Returns the sealed body as BoringSSL should read it: where it is if it is already native memory, else copied
     * into this thread's scratch buffer, or, past {@link #SCRATCH_LIMIT}, into {@code dst} to be opened in place
     * (Conscrypt copies an overlapping input once more, so in place is the slower way).
     */
    private static ByteBuffer sourceFor(ByteBuffer body, ByteBuffer dst) {
        if (body.isDirect()) {
            return body;
        }
        if (body.remaining() > SCRATCH_LIMIT) {
            int at = dst.position();
            return dst.duplicate().put(body).flip().position(at);
        }
        ByteBuffer scratch = SCRATCH.get();
        if (scratch.capacity() < body.remaining()) {
            int capacity = Math.min(SCRATCH_LIMIT, Math.max(body.remaining(), 2 * scratch.capacity()));
            scratch = ByteBuffer.allocateDirect(capacity);
            SCRATCH.set(scratch);
        }
        return scratch.clear().put(body).flip();
    }

    private PrefixedKey keyFor(ByteBuffer ciphertext) {
        int start = ciphertext.position();
        for (PrefixedKey key : keys) {
            byte[] prefix = key.prefix();
            if (ciphertext.remaining() < prefix.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < prefix.length && match; i++) {
                match = ciphertext.get(start + i) == prefix[i];
            }
            if (match) {
                return key;
            }
        }
        return null;
    }
}
