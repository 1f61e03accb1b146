package io.edgespot.cache;

import java.security.GeneralSecurityException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** A {@link CachedBody} over sealed segments, opened lazily; segment 0 arrives already opened with the head. */
final class SealedBody implements CachedBody {
    static final CachedBody EMPTY = new SealedBody(new byte[0], List.of(), null, null, 0, () -> { });

    private final byte[] firstSegment;
    private final List<byte[]> sealedSegments;
    private final EntrySealer sealer;
    private final byte[] fullKey;
    private final long length;
    private final Runnable onCorrupt;

    SealedBody(byte[] firstSegment, List<byte[]> sealedSegments, EntrySealer sealer, byte[] fullKey, long length,
               Runnable onCorrupt) {
        this.firstSegment = firstSegment;
        this.sealedSegments = sealedSegments;
        this.sealer = sealer;
        this.fullKey = fullKey;
        this.length = length;
        this.onCorrupt = onCorrupt;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Iterator<byte[]> segments() {
        return new Iterator<>() {
            private int next = firstSegment.length > 0 ? 0 : 1;

            @Override
            public boolean hasNext() {
                return next <= sealedSegments.size();
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int index = next++;
                if (index == 0) {
                    return firstSegment;
                }
                try {
                    return EntryCodec.openSegment(sealer, fullKey, index, index == sealedSegments.size(),
                            sealedSegments.get(index - 1));
                } catch (GeneralSecurityException e) {
                    onCorrupt.run();
                    throw new CacheIntegrityException("cached body segment failed to open", e);
                }
            }
        };
    }
}
