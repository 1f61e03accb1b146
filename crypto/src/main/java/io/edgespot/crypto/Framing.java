package io.edgespot.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Unambiguous byte encodings for associated data and PRF inputs. */
final class Framing {
    private Framing() {
    }

    /**
     * Encodes each part as a 4-byte big-endian length followed by its bytes.
     *
     * <p>Length prefixes make the encoding injective: tenant "ab" + key "c" and tenant "a" + key
     * "bc" produce different bytes.
     */
    static byte[] lengthPrefixed(String... parts) {
        byte[][] encoded = new byte[parts.length][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            encoded[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            total += Integer.BYTES + encoded[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (byte[] part : encoded) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    /** Returns {@code prefix} followed by {@code rest}; a null {@code rest} counts as empty. */
    static byte[] concat(byte[] prefix, byte[] rest) {
        int restLength = rest == null ? 0 : rest.length;
        byte[] out = new byte[prefix.length + restLength];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        if (restLength > 0) {
            System.arraycopy(rest, 0, out, prefix.length, restLength);
        }
        return out;
    }
}
