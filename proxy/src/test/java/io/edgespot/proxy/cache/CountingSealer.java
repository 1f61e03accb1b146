package io.edgespot.proxy.cache;

import io.edgespot.cache.EntrySealer;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to a real sealer and counts seals and opens, to see when and through which sealer entries pass. */
public final class CountingSealer implements EntrySealer {
    public final AtomicInteger seals = new AtomicInteger();
    public final AtomicInteger opens = new AtomicInteger();
    private final EntrySealer delegate;

    public CountingSealer(EntrySealer delegate) {
        this.delegate = delegate;
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        seals.incrementAndGet();
        return delegate.seal(plaintext, associatedData);
    }

    @Override
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        opens.incrementAndGet();
        return delegate.open(ciphertext, associatedData);
    }

    @Override
    public int open(ByteBuffer ciphertext, byte[] associatedData, ByteBuffer dst) throws GeneralSecurityException {
        opens.incrementAndGet();
        return delegate.open(ciphertext, associatedData, dst);
    }

    @Override
    public byte[] tag(byte[] input) {
        return delegate.tag(input);
    }

    @Override
    public String keysetId() {
        return delegate.keysetId();
    }
}
