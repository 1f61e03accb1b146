package io.edgespot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The immutable case-insensitive multi-map and the small parsers under it. */
final class HttpFieldsTest {

    @Test
    void caseInsensitiveMultiMap() {
        HttpFields fields = HttpFields.builder().add("Accept", "a").add("ACCEPT", "b").add("X-One", "1").build();
        assertThat(fields.get("accept")).isEqualTo("a");
        assertThat(fields.getAll("Accept")).containsExactly("a", "b");
        assertThat(fields.names()).containsExactly("accept", "x-one");
        assertThat(fields.get("missing")).isNull();
        assertThat(fields.getAll("missing")).isEmpty();
        assertThat(fields.toBuilder().set("accept", "c").build().getAll("accept")).containsExactly("c");
        assertThat(fields.getAll("accept")).containsExactly("a", "b");
        assertThat(fields.toString()).doesNotContain("1");
        assertThatThrownBy(() -> fields.getAll("accept").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> HttpFields.of("odd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBuiltFieldSetDoesNotChangeWhenItsBuilderGoesOn() {
        HttpFields.Builder builder = HttpFields.builder().add("Vary", "accept").add("ETag", "\"1\"");
        HttpFields first = builder.build();
        builder.add("vary", "accept-encoding").set("etag", "\"2\"").remove("missing").add("Age", "3");
        HttpFields second = builder.build();
        builder.remove("vary");
        HttpFields third = builder.build();

        assertThat(first.getAll("vary")).containsExactly("accept");
        assertThat(first.get("etag")).isEqualTo("\"1\"");
        assertThat(first.names()).containsExactly("vary", "etag");
        assertThat(second.getAll("vary")).containsExactly("accept", "accept-encoding");
        assertThat(second.get("etag")).isEqualTo("\"2\"");
        assertThat(second.names()).containsExactly("vary", "etag", "age");
        assertThat(third.names()).containsExactly("etag", "age");
        assertThat(first.toBuilder().add("vary", "x").build().getAll("vary")).containsExactly("accept", "x");
        assertThat(first.getAll("vary")).containsExactly("accept");
        assertThatThrownBy(() -> second.getAll("vary").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> second.names().remove("vary")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void cacheControlParsing() {
        CacheControl control = CacheControl.parse(List.of("Max-Age=60, no-cache=\"set-cookie, x\"",
                "s-maxage=\"30\", max-stale, private"));
        assertThat(control.maxAge()).isEqualTo(60);
        assertThat(control.sMaxAge()).isEqualTo(30);
        assertThat(control.noCache()).isTrue();
        assertThat(control.isPrivate()).isTrue();
        assertThat(control.maxStale()).isEqualTo(Long.MAX_VALUE);
        assertThat(control.minFresh()).isEqualTo(CacheControl.ABSENT);
        assertThat(CacheControl.parse(List.of("max-age=99999999999")).maxAge()).isEqualTo(1L << 31);
        assertThat(CacheControl.parse(List.of("max-age=-1")).maxAge()).isZero();
    }

    @Test
    void httpDates() {
        long expected = 784_111_777_000L;
        assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(expected);
        assertThat(HttpDates.parse("0")).isEqualTo(HttpDates.INVALID);
        assertThat(HttpDates.format(expected)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
