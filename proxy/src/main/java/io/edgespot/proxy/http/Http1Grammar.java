package io.edgespot.proxy.http;

/**
 * The byte classes of the HTTP/1.1 grammar (RFC 9110 section 5.6, RFC 9112) that edgespot's strict parsers share,
 * for requests from clients and responses from origins.
 */
public final class Http1Grammar {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD = new boolean[256];

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
}
