package io.edgespot.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which incoming W3C {@code traceparent} values are kept (W3C Trace Context, section 3.2). */
class ForwardHeadersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, true",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x, false",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01, false",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, false",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, true",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later-fields, true",
        // A later version's flags must be followed by a dash or the end (section 3.2.4); this one was kept.
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x, false",
    })
    void traceparent(String value, boolean kept) {
        assertThat(ForwardHeaders.validTraceparent(value)).isEqualTo(kept);
    }
}
