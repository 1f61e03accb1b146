package io.edgespot.proxy.http;

import io.netty.util.AsciiString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The byte classes of the HTTP/1.1 grammar (RFC 9110 section 5.6, RFC 9112) that edgespot's strict parsers share,
 * for requests from clients and responses from origins.
 */
public final class Http1Grammar {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD = new boolean[256];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int b = '0'; b <= '9'; b++) {
            TCHAR[b] = true;
        }
        for (int b = 'a'; b <= 'z'; b++) {
            TCHAR[b] = true;
            TCHAR[b - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        FIELD['\t'] = true;
        for (int b = 0x20; b < 256; b++) {
            FIELD[b] = b != 0x7f;
        }
    }

    private Http1Grammar() {
    }

    /** RFC 9110 tchar: the characters of a token (method, field name, chunk-extension name); {@code b} in 0..255. */
    public static boolean isTchar(int b) {
        return TCHAR[b];
    }

    /**
     * A byte allowed in a field value or a chunk extension: HTAB, SP, VCHAR and obs-text, no other control;
     * {@code b} in 0..255.
     */
    public static boolean isFieldByte(int b) {
        return FIELD[b];
    }

    /**
     * The index of the first byte at or after {@code p} that {@link #isFieldByte} refuses; {@code b} must hold one
     * (a head's CR). Eight bytes at a time while none of them is a control character or DEL: {@code (x - 0x20..) &
     * ~x & 0x80..} is non-zero exactly when some byte of {@code x} is below 0x20 (the borrow that flags the lowest
     * such byte comes from no other, and without one no byte's high bit survives), and the same test on
     * {@code x ^ 0x7f..} finds a DEL as a zero byte. A block with a hit, or an HTAB, goes byte by byte.
     */
    public static int skipFieldBytes(byte[] b, int p) {
        int blocks = b.length - 8;
        while (p <= blocks) {
            long x = (long) LONGS.get(b, p);
            long del = x ^ 0x7f7f7f7f7f7f7f7fL;
            long controls = (x - 0x2020202020202020L) & ~x;
            long dels = (del - 0x0101010101010101L) & ~del;
            if (((controls | dels) & 0x8080808080808080L) != 0) {
                break;
            }
            p += 8;
        }
        while (FIELD[b[p] & 0xff]) {
            p++;
        }
        return p;
    }

    /** An ASCII decimal digit. */
    public static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The value of a hexadecimal digit, or -1. */
    public static int hexValue(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /**
     * Whether the {@code s.length()} bytes at {@code b[start]} spell {@code s}, ASCII letters in either case; the
     * caller has checked that there are that many.
     */
    public static boolean equalsIgnoreCase(byte[] b, int start, CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (AsciiString.toLowerCase((char) (b[start + i] & 0xff)) != AsciiString.toLowerCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
