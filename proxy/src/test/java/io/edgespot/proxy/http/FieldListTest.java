package io.edgespot.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link FieldList} against Netty's {@code DefaultHttpHeaders} without validation, the map it stands in for: the
 * same operations on both must leave the same fields in the same order and answer every query alike.
 */
class FieldListTest {

    private static final CharSequence[] NAMES = {
        "Host", "host", AsciiString.of("HOST"), HttpHeaderNames.CONTENT_LENGTH, "Content-Length",
        HttpHeaderNames.CONNECTION, "connection", HttpHeaderNames.TRANSFER_ENCODING, "X-Forwarded-For", "via", "Via",
        "a", "b", "ab", "ba", "x-request-id",
    };
    private static final Object[] VALUES = {
        "1", "42", "0", "-3", "99999999999", "chunked", "Chunked", " close , keep-alive", "close", "keep-alive",
        AsciiString.of("upgrade, close"), "", "gzip, chunked", "Sun, 06 Nov 1994 08:49:37 GMT", "not a date", 7,
        new Date(784111777000L), "12345", "a,b ,  c",
    };

    private static HttpHeaders netty() {
        return DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    }

    @Test
    void randomEditsLeaveTheSameFieldsAsNettysMap() {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int run = 0; run < 2_000; run++) {
            HttpHeaders ours = new FieldList();
            HttpHeaders theirs = netty();
            int steps = random.nextInt(1, 40);
            for (int step = 0; step < steps; step++) {
                CharSequence name = NAMES[random.nextInt(NAMES.length)];
                Object value = VALUES[random.nextInt(VALUES.length)];
                switch (random.nextInt(12)) {
                    case 0, 1, 2 -> {
                        ours.add(name, value);
                        theirs.add(name, value);
                    }
                    case 3 -> {
                        ours.set(name, value);
                        theirs.set(name, value);
                    }
                    case 4 -> {
                        ours.remove(name);
                        theirs.remove(name);
                    }
                    case 5 -> {
                        ours.set(name, List.of(value, "second"));
                        theirs.set(name, List.of(value, "second"));
                    }
                    case 6 -> {
                        ours.addInt(name, step);
                        theirs.addInt(name, step);
                    }
                    case 7 -> {
                        ours.setInt(name, -step);
                        theirs.setInt(name, -step);
                    }
                    case 8 -> addLines((FieldList) ours, theirs, random);
                    case 9 -> ours = ours.copy(); // the edits go on in the copy, which must find what it holds
                    case 10 -> {
                        if (random.nextInt(4) == 0) {
                            ours.clear();
                            theirs.clear();
                        }
                    }
                    default -> {
                        ours.add(name.toString(), value);
                        theirs.add(name.toString(), value);
                    }
                }
                assertSame(ours, theirs);
            }
        }
    }

    /**
     * Adds one to three fields as a decoder does, from one section: the lines one after another, each with a colon
     * followed by no space, one or two, and now and then a space before its CRLF (none of which is the value's).
     */
    private static void addLines(FieldList ours, HttpHeaders theirs, SplittableRandom random) {
        int n = random.nextInt(1, 4);
        String[] names = new String[n];
        String[] values = new String[n];
        StringBuilder section = new StringBuilder("GET / HTTP/1.1\r\n");
        int[] places = new int[4 * n];
        for (int i = 0; i < n; i++) {
            names[i] = NAMES[random.nextInt(NAMES.length)].toString();
            Object v = VALUES[random.nextInt(VALUES.length)];
            values[i] = (v instanceof Date d ? DateFormatter.format(d) : v.toString()).strip();
            places[4 * i] = section.length();
            section.append(names[i]);
            places[4 * i + 1] = section.length();
            section.append(':').append(" ".repeat(random.nextInt(3)));
            places[4 * i + 2] = section.length();
            section.append(values[i]);
            places[4 * i + 3] = section.length();
            section.append(random.nextInt(4) == 0 ? " \r\n" : "\r\n");
        }
        byte[] b = section.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < n; i++) {
            ours.addLine(b, places[4 * i], places[4 * i + 1], places[4 * i + 2], places[4 * i + 3]);
            theirs.add(names[i], values[i]);
        }
    }

    private static void assertSame(HttpHeaders ours, HttpHeaders theirs) {
        assertThat(lines(ours)).isEqualTo(lines(theirs));
        assertThat(written((FieldList) ours)).isEqualTo(String.join("", lines(theirs).stream().map(l -> l + "\r\n").toList()));
        assertThat(ours.entries()).isEqualTo(theirs.entries());
        assertThat(ours.size()).isEqualTo(theirs.size());
        assertThat(ours.isEmpty()).isEqualTo(theirs.isEmpty());
        assertThat(lower(ours.names())).isEqualTo(lower(theirs.names()));
        for (CharSequence name : NAMES) {
            assertThat(ours.get(name)).as("get %s", name).isEqualTo(theirs.get(name));
            assertThat(ours.get(name.toString())).isEqualTo(theirs.get(name.toString()));
            assertThat(ours.get(name, "none")).isEqualTo(theirs.get(name, "none"));
            assertThat(ours.getAll(name)).as("getAll %s", name).isEqualTo(theirs.getAll(name));
            assertThat(ours.contains(name)).isEqualTo(theirs.contains(name));
            assertThat(ours.getInt(name)).as("getInt %s", name).isEqualTo(theirs.getInt(name));
            assertThat(ours.getInt(name, -1)).isEqualTo(theirs.getInt(name, -1));
            assertThat(ours.getShort(name)).as("getShort %s", name).isEqualTo(theirs.getShort(name));
            assertThat(ours.getTimeMillis(name)).as("getTimeMillis %s", name).isEqualTo(timeMillis(theirs, name));
            // in insertion order here, as getAll; Netty's map iterates them newest first
            assertThat(values(ours.valueCharSequenceIterator(name))).isEqualTo(theirs.getAll(name));
            assertThat(values(ours.valueStringIterator(name))).isEqualTo(theirs.getAll(name));
            for (Object v : VALUES) {
                CharSequence value = v.toString();
                for (boolean ignoreCase : new boolean[] {true, false}) {
                    assertThat(ours.contains(name, value, ignoreCase))
                            .as("contains %s %s %s", name, value, ignoreCase)
                            .isEqualTo(theirs.contains(name, value, ignoreCase));
                    assertThat(ours.containsValue(name, value, ignoreCase))
                            .as("containsValue %s %s %s", name, value, ignoreCase)
                            .isEqualTo(theirs.containsValue(name, value, ignoreCase));
                }
            }
        }
        assertThat(lines(ours.copy())).isEqualTo(lines(theirs));
    }

    /** What the encoders write for the fields of {@code h}. */
    private static String written(FieldList h) {
        byte[] a = new byte[h.linesLength()];
        assertThat(h.writeLines(a, 0)).isEqualTo(a.length);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    /** Netty's answer, or null where Netty throws on a value that is not a date (the field list answers null). */
    private static Long timeMillis(HttpHeaders h, CharSequence name) {
        try {
            return h.getTimeMillis(name);
        } catch (Exception e) {
            return null;
        }
    }

    private static List<String> lines(HttpHeaders h) {
        List<String> lines = new ArrayList<>();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            lines.add(e.getKey() + ": " + e.getValue());
        }
        List<String> viaStrings = new ArrayList<>();
        h.forEach(e -> viaStrings.add(e.getKey() + ": " + e.getValue()));
        assertThat(viaStrings).isEqualTo(lines);
        return lines;
    }

    private static List<String> values(Iterator<? extends CharSequence> it) {
        List<String> values = new ArrayList<>();
        it.forEachRemaining(v -> values.add(v.toString()));
        return values;
    }

    private static TreeSet<String> lower(Iterable<String> names) {
        TreeSet<String> lower = new TreeSet<>();
        names.forEach(n -> lower.add(n.toLowerCase(java.util.Locale.ROOT)));
        return lower;
    }

    @Test
    void entriesHandedOutStayValidAfterFurtherChanges() {
        FieldList h = new FieldList();
        h.add("a", "1").add("b", "2");
        Map.Entry<CharSequence, CharSequence> first = h.iteratorCharSequence().next();
        h.remove("a");
        h.set("b", "3");
        assertThat(first.getKey().toString()).isEqualTo("a");
        assertThat(first.getValue().toString()).isEqualTo("1");
        assertThatThrownBy(() -> first.setValue("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void growsPastItsFirstCapacityAndFromEmpty() {
        HttpHeaders h = FieldList.FACTORY.newEmptyHeaders();
        HttpHeaders n = netty();
        for (int i = 0; i < 100; i++) {
            h.add("f" + (i % 7), i);
            n.add("f" + (i % 7), i);
        }
        assertThat(h.entries()).isEqualTo(n.entries());
        h.remove("f3");
        n.remove("f3");
        assertThat(h.entries()).isEqualTo(n.entries());
        h.clear();
        assertThat(h.isEmpty()).isTrue();
        assertThat(h.iteratorCharSequence().hasNext()).isFalse();
    }

    @Test
    void nullsAreRefusedAndASetWithANullValueChangesNothing() {
        FieldList h = new FieldList();
        h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        assertThatThrownBy(() -> h.add((CharSequence) null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> h.set(HttpHeaderNames.CONNECTION, (Object) null))
                .isInstanceOf(NullPointerException.class);
        assertThat(h.get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThatThrownBy(() -> h.add(h)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueThatIsNotADateReadsAsAbsent() {
        FieldList h = new FieldList();
        h.add(HttpHeaderNames.DATE, "yesterday");
        assertThat(h.getTimeMillis(HttpHeaderNames.DATE)).isNull();
        assertThat(h.getTimeMillis(HttpHeaderNames.DATE, 5L)).isEqualTo(5L);
    }
}
