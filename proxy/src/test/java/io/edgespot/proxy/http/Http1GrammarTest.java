package io.edgespot.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Http1GrammarTest {

    /** The byte-by-byte definition that the eight-at-a-time scan must agree with. */
    private static int naive(byte[] b, int p) {
        while (Http1Grammar.isFieldByte(b[p] & 0xff)) {
            p++;
        }
        return p;
    }

    @Test
    void theBlockScanStopsWhereTheByteScanDoesForEveryByteAtEveryPlace() {
        for (int v = 0; v < 256; v++) {
            for (int at = 0; at < 24; at++) {
                for (int start = 0; start < 3; start++) {
                    byte[] b = new byte[27];
                    Arrays.fill(b, (byte) 'x');
                    b[at] = (byte) v;
                    b[24] = '\r';
                    b[25] = '\n';
                    b[26] = 0;
                    assertThat(Http1Grammar.skipFieldBytes(b, start)).as("byte %d at %d from %d", v, at, start)
                            .isEqualTo(naive(b, start));
                }
            }
        }
    }

    @Test
    void theBlockScanAgreesOnRandomValues() {
        SplittableRandom r = new SplittableRandom(20261201);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[1 + r.nextInt(40)];
            for (int j = 0; j < b.length; j++) {
                // mostly field bytes, sometimes obs-text, controls, DEL, HTAB
                int k = r.nextInt(100);
                b[j] = (byte) (k < 80 ? 0x20 + r.nextInt(0x5f) : k < 90 ? 0x80 + r.nextInt(0x80)
                        : k < 94 ? r.nextInt(0x20) : k < 97 ? 0x7f : '\t');
            }
            b[b.length - 1] = '\r';
            int start = r.nextInt(b.length);
            assertThat(Http1Grammar.skipFieldBytes(b, start)).isEqualTo(naive(b, start));
        }
    }
}
