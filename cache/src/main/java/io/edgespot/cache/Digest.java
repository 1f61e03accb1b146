package io.edgespot.cache;

import java.util.Arrays;

/**
 * A keyed PRF output ({@link EntrySealer#tag}) that stands in for a clear value: map keys, Vary selectors and purge
 * tags are held only in this form.
 *
 * @param bytes the PRF output; never modified
 */
record Digest(byte[] bytes) {

    @Override
    public boolean equals(Object other) {
        return other instanceof Digest that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Digest[" + bytes.length + " bytes]";
    }
}
