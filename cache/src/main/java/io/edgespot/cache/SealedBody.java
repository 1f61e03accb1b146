package io.edgespot.cache;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * A {@link CachedBody} over sealed segments, opened on demand. A small body arrives already opened with the head
 * (its one segment, numbered 0); a larger one is sealed segments numbered from 1.
 */
final class SealedBody implements CachedBody {
    private final byte[] inline;
    private final List<byte[]> sealedSegments;
    private final EntrySealer sealer;
    private final byte[] fullKey;
    private final long length;
    private final Runnable onCorrupt;

    SealedBody(byte[] inline, List<byte[]> sealedSegments, EntrySealer sealer, byte[] fullKey, long length,
               Runnable onCorrupt) {
        this.inline = inline;
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
    public int segmentCount() {
        return (inline.length > 0 ? 1 : 0) + sealedSegments.size();
    }

    @Override
    public int segmentCapacity(int index) {
        int sealed = sealedIndex(index);
        return sealed < 0 ? inline.length : sealedSegments.get(sealed).length;
    }

    @Override
    public int openSegment(int index, ByteBuffer dst) {
        int sealed = sealedIndex(index);
        if (sealed < 0) {
            dst.put(inline);
            return inline.length;
        }
        try {
            return EntryCodec.openSegment(sealer, fullKey, sealed + 1, sealed == sealedSegments.size() - 1,
                    sealedSegments.get(sealed), dst);
        } catch (GeneralSecurityException e) {
            onCorrupt.run();
            throw new CacheIntegrityException("cached body segment failed to open", e);
        }
    }

    /** Maps a body segment index to its position in {@code sealedSegments}, or -1 for the inline segment. */
    private int sealedIndex(int index) {
        int sealed = inline.length > 0 ? index - 1 : index;
        if (index < 0 || sealed >= sealedSegments.size()) {
            throw new IndexOutOfBoundsException("segment " + index + " of " + segmentCount());
        }
        return sealed;
    }
}
