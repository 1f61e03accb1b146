package io.edgespot.cache;

import java.nio.ByteBuffer;

/**
 * A byte range of a stored body: the segments that hold it, each opened whole and cut to the range.
 *
 * <p>Every segment but the last of a stored body holds {@code segmentSize} bytes (a body small enough to travel
 * inside the head is one segment), so the segments a range needs are found by arithmetic, without opening others.
 * A segment that opens to another length than that layout says is treated like one that fails to open.
 */
final class RangedBody implements CachedBody {
    private final CachedBody whole;
    private final long first;
    private final long length;
    private final int segmentSize;
    private final int firstSegment;
    private final int segmentCount;

    RangedBody(CachedBody whole, long first, long length, int segmentSize) {
        this.whole = whole;
        this.first = first;
        this.length = length;
        this.segmentSize = segmentSize;
        this.firstSegment = (int) (first / segmentSize);
        this.segmentCount = length == 0 ? 0 : (int) ((first + length - 1) / segmentSize) - firstSegment + 1;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int segmentCount() {
        return segmentCount;
    }

    @Override
    public int segmentCapacity(int index) {
        return whole.segmentCapacity(checked(index));
    }

    @Override
    public int openSegment(int index, ByteBuffer dst) {
        int segment = checked(index);
        int at = dst.position();
        int opened = whole.openSegment(segment, dst);
        long segmentStart = (long) segment * segmentSize;
        if (opened != Math.min(segmentSize, whole.length() - segmentStart)) {
            throw new CacheIntegrityException("cached body segment has an unexpected length", null);
        }
        int from = (int) (Math.max(first, segmentStart) - segmentStart);
        int to = (int) (Math.min(first + length, segmentStart + opened) - segmentStart);
        if (from > 0) { // move the wanted bytes to where the caller expects them; put() copes with the overlap
            dst.duplicate().position(at).put(dst.duplicate().position(at + from).limit(at + to));
        }
        dst.position(at + to - from);
        return to - from;
    }

    private int checked(int index) {
        if (index < 0 || index >= segmentCount) {
            throw new IndexOutOfBoundsException("segment " + index + " of " + segmentCount);
        }
        return firstSegment + index;
    }
}
