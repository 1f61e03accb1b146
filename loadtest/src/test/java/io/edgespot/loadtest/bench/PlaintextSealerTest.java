package io.edgespot.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlaintextSealerTest {

    private final PlaintextSealer sealer = new PlaintextSealer("bench");

    @Test
    void sealAndOpenReturnEqualCopies() {
        byte[] body = "body bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = sealer.seal(body, new byte[] {1});
        byte[] opened = sealer.open(sealed, new byte[] {1});
        assertThat(sealed).isEqualTo(body).isNotSameAs(body);
        assertThat(opened).isEqualTo(body).isNotSameAs(sealed);
    }

    @Test
    void openIntoABufferCopiesTheStoredBytesOnce() {
        byte[] body = "segment bytes".getBytes(StandardCharsets.UTF_8);
        ByteBuffer stored = ByteBuffer.wrap(sealer.seal(body, new byte[] {2}));
        ByteBuffer dst = ByteBuffer.allocateDirect(body.length + 4).position(4);

        assertThat(sealer.open(stored, new byte[] {2}, dst)).isEqualTo(body.length);

        assertThat(stored.position()).isZero();
        assertThat(dst.position()).isEqualTo(4 + body.length);
        byte[] opened = new byte[body.length];
        dst.get(4, opened);
        assertThat(opened).isEqualTo(body);
    }

    @Test
    void tagsAreAtLeastSixteenBytesAndDistinctForInputsThatPaddingCouldConfuse() {
        byte[] a = {};
        byte[] b = {0};
        byte[] c = {(byte) 0x80};
        byte[] d = {(byte) 0x80, 0};
        byte[] e = new byte[16];
        byte[] f = new byte[17];
        byte[][] inputs = {a, b, c, d, e, f};
        for (int i = 0; i < inputs.length; i++) {
            assertThat(sealer.tag(inputs[i]).length).isGreaterThanOrEqualTo(PlaintextSealer.MIN_TAG_BYTES);
            for (int j = i + 1; j < inputs.length; j++) {
                assertThat(sealer.tag(inputs[i])).as("tag %d vs %d", i, j).isNotEqualTo(sealer.tag(inputs[j]));
            }
        }
        assertThat(sealer.tag(new byte[] {7, 7})).isEqualTo(sealer.tag(new byte[] {7, 7}));
    }

    @Test
    void keysetIdNamesTheBaselineAndStaysTheSame() {
        assertThat(sealer.keysetId()).isEqualTo("plaintext-bench").isEqualTo(new PlaintextSealer("bench").keysetId());
    }
}
