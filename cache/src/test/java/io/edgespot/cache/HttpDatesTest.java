package io.edgespot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 section 5.6.7: the three date forms a recipient accepts, and nothing beyond them. */
class HttpDatesTest {

    private static final long NOV_6_1994 = 784111777000L;

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994", " Sun, 06 Nov 1994 08:49:37 GMT "})
    void theThreeFormsParse(String date) {
        assertThat(HttpDates.parse(date)).isEqualTo(NOV_6_1994);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // Found by CacheFuzzTest: asctime years with a sign and more than four digits parsed, and those beyond the
        // epoch-millisecond range threw ArithmeticException out of a response's Date, Expires or Last-Modified.
        "Sat Nov  6 08:49:37 +999999999", "Mon Nov  6 08:49:37 +300000000", "Sat Nov  6 08:49:37 +99999",
        "Sun Nov  6 08:49:37 01994", "Sun, 32 Nov 1994 08:49:37 GMT", "0", "", "Sun Nov  6 08:49:37 94"})
    void anythingElseIsInvalid(String date) {
        assertThat(HttpDates.parse(date)).isEqualTo(HttpDates.INVALID);
    }

    @Test
    void formatRoundTrips() {
        assertThat(HttpDates.format(NOV_6_1994)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.parse(HttpDates.format(NOV_6_1994))).isEqualTo(NOV_6_1994);
    }
}
