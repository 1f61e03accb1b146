package io.edgespot.cache;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Copies a response body into the cache while it streams to the client, sealing it segment by segment.
 *
 * <p>At most one segment of plaintext is buffered: a segment is sealed as soon as the next byte proves it is not
 * the last. A body of at most {@link #INLINE_LIMIT} bytes is sealed inside the head. When the body outgrows the tenant's object limit, sealing fails or the proxy aborts, the collector
 * abandons storing and ignores further chunks; the client stream is never affected.
 *
 * <p>Not thread-safe: one exchange feeds it from one thread (its event loop).
 */
public final class BodyCollector {
    /**
     * The largest body sealed together with the head, so that a small hit costs one AEAD open. A larger body is
     * sealed apart, segment by segment, and opened straight into the buffer that goes to the socket.
     */
    static final int INLINE_LIMIT = 4096;
    private static final byte[] NO_BYTES = new byte[0];

    /** The sealed form of a complete body. */
    record Sealed(byte[] head, List<byte[]> segments, long length) {
    }

    private enum State { OPEN, COMPLETED, ABANDONED }

    private final EntrySealer sealer;
    private final byte[] fullKey;
    private final HttpFields storedHeaders;
    private final int segmentSize;
    private final long maxBytes;
    private final long expectedLength;
    private final Predicate<Sealed> onComplete;
    private final Runnable onAbandon;
    private final List<byte[]> segments = new ArrayList<>();
    private byte[] head;
    private byte[] pending;
    private int pendingLength;
    private int nextIndex;
    private long total;
    private State state = State.OPEN;

    BodyCollector(EntrySealer sealer, byte[] fullKey, HttpFields storedHeaders, int segmentSize, long maxBytes,
                  long expectedLength, Predicate<Sealed> onComplete, Runnable onAbandon) {
        this.sealer = sealer;
        this.fullKey = fullKey;
        this.storedHeaders = storedHeaders;
        this.segmentSize = segmentSize;
        this.maxBytes = maxBytes;
        this.expectedLength = expectedLength;
        this.onComplete = onComplete;
        this.onAbandon = onAbandon;
        long initial = expectedLength >= 0 ? Math.max(1, expectedLength) : 4096;
        this.pending = new byte[(int) Math.min(segmentSize, initial)];
    }

    /**
     * Appends a body chunk.
     *
     * @return false once the collector has given up storing, so the proxy can stop copying
     */
    public boolean append(byte[] chunk) {
        return append(chunk, 0, chunk.length);
    }

    /** Appends {@code length} bytes of {@code chunk} from {@code offset}; see {@link #append(byte[])}. */
    public boolean append(byte[] chunk, int offset, int length) {
        return append(ByteBuffer.wrap(chunk, offset, length));
    }

    /** Appends the remaining bytes of {@code chunk} without moving its position; see {@link #append(byte[])}. */
    public boolean append(ByteBuffer chunk) {
        if (state != State.OPEN) {
            return false;
        }
        ByteBuffer src = chunk.duplicate();
        total += src.remaining();
        if (total > maxBytes) {
            abandon();
            return false;
        }
        while (src.hasRemaining()) {
            if (pendingLength == segmentSize && !flush(false)) {
                return false;
            }
            int n = Math.min(src.remaining(), segmentSize - pendingLength);
            if (pendingLength + n > pending.length) {
                pending = Arrays.copyOf(pending, Math.min(segmentSize, Math.max(pendingLength + n,
                        pending.length * 2)));
            }
            src.get(pending, pendingLength, n);
            pendingLength += n;
        }
        return true;
    }

    /**
     * Ends the body and stores the response.
     *
     * @return whether the response was stored (false after abandonment, a length mismatch or a tenant change)
     */
    public boolean complete() {
        if (state != State.OPEN) {
            return false;
        }
        if (expectedLength >= 0 && total != expectedLength) {
            // A body shorter or longer than Content-Length means a broken upstream; never store a truncation.
            abandon();
            return false;
        }
        if (!flush(true)) {
            return false;
        }
        state = State.COMPLETED;
        pending = null;
        return onComplete.test(new Sealed(head, List.copyOf(segments), total));
    }

    /** Gives up storing (the upstream failed or the client went away); idempotent. */
    public void abort() {
        if (state == State.OPEN) {
            abandon();
        }
    }

    /** Returns the number of body bytes appended so far. */
    public long bytesCollected() {
        return total;
    }

    private boolean flush(boolean last) {
        byte[] plaintext = Arrays.copyOf(pending, pendingLength);
        try {
            if (nextIndex == 0) {
                boolean inline = last && plaintext.length <= INLINE_LIMIT;
                head = EntryCodec.sealHead(sealer, fullKey, storedHeaders, inline ? plaintext : NO_BYTES, inline);
                nextIndex = 1;
                if (inline) {
                    pendingLength = 0;
                    return true;
                }
            }
            segments.add(EntryCodec.sealSegment(sealer, fullKey, nextIndex, last, plaintext));
        } catch (GeneralSecurityException e) {
            abandon();
            return false;
        }
        nextIndex++;
        pendingLength = 0;
        return true;
    }

    private void abandon() {
        state = State.ABANDONED;
        pending = null;
        head = null;
        segments.clear();
        onAbandon.run();
    }
}
