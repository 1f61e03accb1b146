package io.edgespot.cache;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** A real AEAD (JDK AES-256-GCM, random 96-bit nonce) and HMAC-SHA256 PRF standing in for a tenant's Tink keyset. */
final class AesGcmSealer implements EntrySealer {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey aesKey;
    private final SecretKey macKey;
    private final String keysetId;
    private final SecureRandom random = new SecureRandom();
    final AtomicLong opens = new AtomicLong();

    private AesGcmSealer(SecretKey aesKey, SecretKey macKey, String keysetId) {
        this.aesKey = aesKey;
        this.macKey = macKey;
        this.keysetId = keysetId;
    }

    static AesGcmSealer random() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            byte[] mac = new byte[32];
            new SecureRandom().nextBytes(mac);
            return new AesGcmSealer(generator.generateKey(), new SecretKeySpec(mac, "HmacSHA256"),
                    UUID.randomUUID().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns another object over the same keys, as a config reload would build. */
    AesGcmSealer sameKeys() {
        return new AesGcmSealer(aesKey, macKey, keysetId);
    }

    /** Returns a sealer with the same PRF key and keyset id but another AEAD key: a wrong keyset that tags alike. */
    AesGcmSealer withOtherAeadKey() {
        return new AesGcmSealer(random().aesKey, macKey, keysetId);
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        byte[] ciphertext = cipher.doFinal(plaintext);
        return ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext).array();
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        opens.incrementAndGet();
        if (ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new AEADBadTagException("ciphertext too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
    }

    @Override
    public byte[] tag(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String keysetId() {
        return keysetId;
    }
}
