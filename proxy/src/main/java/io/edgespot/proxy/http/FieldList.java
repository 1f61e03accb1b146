package io.edgespot.proxy.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields of a message as a list in arrival order: what the HTTP/1.1 decoders build, and what the proxy edits
 * and the encoders write out.
 *
 * <p>Netty's {@code DefaultHttpHeaders} is a hash table: every field added is hashed by name (case-insensitively,
 * a loop over its bytes) and linked into a bucket and an insertion-order list. A proxied message has a dozen
 * fields, each added once, written once, and looked up by a handful of names, so hashing costs more than it
 * saves. Here a lookup compares lengths first and bytes only for names of the same length, and a field is one
 * small object in an array.
 *
 * <p>Behaves as {@code DefaultHttpHeaders} without validation does: names match case-insensitively; {@code get}
 * answers the first value; {@code set} removes every field of the name and appends one; iteration is in insertion
 * order (the value iterators too, where Netty's map runs newest first), and its entries stay valid. Nothing is validated: the decoders have checked every byte, and what the
 * proxy adds comes from checked configuration. One difference: a value that is not a number or not a date reads as
 * absent from {@code getInt}, {@code getShort} and {@code getTimeMillis}, where Netty's map throws for a date. Not
 * thread-safe, like the message it belongs to.
 */
public final class FieldList extends HttpHeaders {

    /** Makes field lists, for heads and for trailers alike (neither validates). */
    public static final HttpHeadersFactory FACTORY = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return new FieldList();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return new FieldList();
        }
    };

    private static final Field[] NONE = new Field[0];

    private Field[] fields = NONE;
    private int size;
    /**
     * The {@link #nameBit} of every name added since the last {@link #clear}: a lookup whose bit is clear answers
     * without a walk. Most lookups are for names a message does not have (the hop-by-hop fields, those the proxy is
     * about to set), and a dozen names spread over 64 bits rarely collide. Removal leaves bits set; a stale bit
     * costs a walk, never a wrong answer.
     */
    private long nameBits;

    /** An empty list; the first field added makes room for a typical message's. */
    public FieldList() {
    }

    /**
     * One field line; immutable to its users, so iteration can hand out the stored entries. A field read from a
     * decoded section is kept as its place in that section's bytes, and its name and value become strings only when
     * asked for: a proxied field is mostly compared by name and written out, neither of which needs one.
     */
    private static final class Field implements Map.Entry<CharSequence, CharSequence> {
        /** The decoded section the field was read from, or null for a field added as text. */
        final byte[] section;
        // the field's place in its section; 0 for a field added as text, whose lengths are its strings'
        final int nameStart;
        final int nameLength;
        final int valueStart;
        final int valueLength;
        /**
         * Whether the field's line in {@code section} is exactly what {@link #writeLines} writes for it: name, colon,
         * one space, value, CRLF. Such lines, one after another in a section, are copied out as one run.
         */
        final boolean asWritten;
        // views of the section, made on first use; a benign race where copies of a list share a field across
        // threads: each view is immutable, and any thread makes an equal one
        private CharSequence name;
        private CharSequence value;

        Field(CharSequence name, CharSequence value) {
            this.section = null;
            this.nameStart = 0;
            this.nameLength = 0;
            this.valueStart = 0;
            this.valueLength = 0;
            this.asWritten = false;
            this.name = name;
            this.value = value;
        }

        Field(byte[] section, int nameStart, int nameEnd, int valueStart, int valueEnd) {
            this.section = section;
            this.nameStart = nameStart;
            this.nameLength = nameEnd - nameStart;
            this.valueStart = valueStart;
            this.valueLength = valueEnd - valueStart;
            this.asWritten = valueStart == nameEnd + 2 && section[nameEnd + 1] == ' ' && section[valueEnd] == '\r';
        }

        long nameBit() {
            return section != null ? FieldList.nameBit(nameLength, section[nameStart]) : FieldList.nameBit(name);
        }

        boolean hasName(CharSequence other) {
            if (section == null) {
                return other.length() == name.length() && AsciiString.contentEqualsIgnoreCase(name, other);
            }
            return other.length() == nameLength && Http1Grammar.equalsIgnoreCase(section, nameStart, other);
        }

        CharSequence name() {
            CharSequence n = name;
            if (n == null) {
                name = n = new AsciiString(section, nameStart, nameLength, false);
            }
            return n;
        }

        CharSequence value() {
            CharSequence v = value;
            if (v == null) {
                value = v = new AsciiString(section, valueStart, valueLength, false);
            }
            return v;
        }

        /** The bytes of the field's line as written: name, colon, space, value, CRLF. */
        int lineLength() {
            return section == null ? name.length() + value.length() + 4 : nameLength + valueLength + 4;
        }

        @Override
        public CharSequence getKey() {
            return name();
        }

        @Override
        public CharSequence getValue() {
            return value();
        }

        @Override
        public CharSequence setValue(CharSequence value) {
            throw new UnsupportedOperationException("read-only entry");
        }

        @Override
        public String toString() {
            return name() + ": " + value();
        }
    }

    // --- lookups

    /**
     * One of 64 bits for a field name, from its length and first character. Names equal ignoring ASCII case get the
     * same bit: {@code | 0x20} maps both cases of a letter to one value (it maps a few other pairs together too,
     * which costs a walk at most). The multipliers keep the names of a typical request and response apart from the
     * names the proxy looks up.
     */
    private static long nameBit(int length, int first) {
        return 1L << ((length * 5 + (first | 0x20) * 7) & 63);
    }

    private static long nameBit(CharSequence name) {
        int length = name.length();
        return nameBit(length, length == 0 ? 0 : name.charAt(0));
    }

    private int indexOf(CharSequence name, int from) {
        if ((nameBits & nameBit(name)) == 0) {
            return -1;
        }
        for (int i = from; i < size; i++) {
            if (fields[i].hasName(name)) {
                return i;
            }
        }
        return -1;
    }

    private CharSequence first(CharSequence name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : fields[i].value();
    }

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        CharSequence v = first(name);
        return v == null ? null : v.toString();
    }

    @Override
    public String get(CharSequence name, String defaultValue) {
        CharSequence v = first(name);
        return v == null ? defaultValue : v.toString();
    }

    /** The first value parsed, or null when there is none or it does not parse. */
    private <T> T parsed(CharSequence name, Function<CharSequence, T> parse) {
        CharSequence v = first(name);
        if (v == null) {
            return null;
        }
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Integer getInt(CharSequence name) {
        return parsed(name, v -> v instanceof AsciiString a ? a.parseInt() : Integer.parseInt(v.toString()));
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer v = getInt(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Short getShort(CharSequence name) {
        return parsed(name, v -> v instanceof AsciiString a ? a.parseShort() : Short.parseShort(v.toString()));
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short v = getShort(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        Date d = parsed(name, DateFormatter::parseHttpDate);
        return d == null ? null : d.getTime();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long v = getTimeMillis(name);
        return v == null ? defaultValue : v;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        List<String> all = new ArrayList<>(2);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            all.add(fields[i].value().toString());
        }
        return all;
    }

    @Override
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    /** Whether a field of the name has exactly the value (not a comma-separated element of it). */
    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            CharSequence v = fields[i].value();
            if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(v, value) : AsciiString.contentEquals(v, value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
        return new Iterator<CharSequence>() {
            private int next = indexOf(name, 0);

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public CharSequence next() {
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                CharSequence v = fields[next].value();
                next = indexOf(name, next + 1);
                return v;
            }
        };
    }

    @Override
    public Iterator<String> valueStringIterator(CharSequence name) {
        Iterator<? extends CharSequence> values = valueCharSequenceIterator(name);
        return new Iterator<String>() {
            @Override
            public boolean hasNext() {
                return values.hasNext();
            }

            @Override
            public String next() {
                return values.next().toString();
            }
        };
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            if (indexOf(fields[i].name(), 0) == i) {
                names.add(fields[i].name().toString());
            }
        }
        return names;
    }

    // --- iteration

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new Iterator<Map.Entry<CharSequence, CharSequence>>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Map.Entry<CharSequence, CharSequence> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return fields[next++];
            }
        };
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        Iterator<Map.Entry<CharSequence, CharSequence>> all = iteratorCharSequence();
        return new Iterator<Map.Entry<String, String>>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public Map.Entry<String, String> next() {
                Map.Entry<CharSequence, CharSequence> e = all.next();
                return new AbstractMap.SimpleImmutableEntry<>(e.getKey().toString(), e.getValue().toString());
            }
        };
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(size);
        iterator().forEachRemaining(entries::add);
        return entries;
    }

    // --- changes

    private static CharSequence text(Object value) {
        if (value instanceof CharSequence s) {
            return s;
        }
        if (value instanceof Date d) {
            return DateFormatter.format(d);
        }
        if (value instanceof Calendar c) {
            return DateFormatter.format(c.getTime());
        }
        return value.toString();
    }

    private void append(CharSequence name, CharSequence value) {
        if (name == null || value == null) {
            throw new NullPointerException(name == null ? "name" : "value");
        }
        append(new Field(name, value));
    }

    private void append(Field f) {
        if (size == fields.length) {
            fields = Arrays.copyOf(fields, Math.max(16, size * 2));
        }
        fields[size++] = f;
        nameBits |= f.nameBit();
    }

    /**
     * Appends the field whose name is {@code section[nameStart, nameEnd)} and whose value is
     * {@code section[valueStart, valueEnd)}: a field line a decoder has checked. The section must not change
     * afterwards.
     */
    void addLine(byte[] section, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        append(new Field(section, nameStart, nameEnd, valueStart, valueEnd));
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        append(name, text(value));
        return this;
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        return add((CharSequence) name, values);
    }

    @Override
    public HttpHeaders add(CharSequence name, Iterable<?> values) {
        for (Object v : values) {
            append(name, text(v));
        }
        return this;
    }

    @Override
    public HttpHeaders add(HttpHeaders headers) {
        if (headers == this) {
            throw new IllegalArgumentException("can't add to itself.");
        }
        if (headers instanceof FieldList list) {
            for (int i = 0; i < list.size; i++) {
                append(list.fields[i]); // immutable: shared
            }
            return this;
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            append(e.getKey(), e.getValue());
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        append(name, Integer.toString(value));
        return this;
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        append(name, Short.toString(value));
        return this;
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        CharSequence v = text(value); // before removing: a null value leaves the list as it was
        removeAll(name);
        append(name, v);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        return set((CharSequence) name, values);
    }

    @Override
    public HttpHeaders set(CharSequence name, Iterable<?> values) {
        removeAll(name);
        return add(name, values);
    }

    @Override
    public HttpHeaders set(HttpHeaders headers) {
        if (headers != this) {
            clear();
            add(headers);
        }
        return this;
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        return remove((CharSequence) name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        removeAll(name);
        return this;
    }

    private void removeAll(CharSequence name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return;
        }
        int kept = i;
        for (i++; i < size; i++) {
            if (!fields[i].hasName(name)) {
                fields[kept++] = fields[i];
            }
        }
        Arrays.fill(fields, kept, size, null);
        size = kept;
    }

    @Override
    public HttpHeaders clear() {
        Arrays.fill(fields, 0, size, null);
        size = 0;
        nameBits = 0;
        return this;
    }

    @Override
    public HttpHeaders copy() {
        FieldList copy = new FieldList();
        copy.fields = Arrays.copyOf(fields, size);
        copy.size = size;
        copy.nameBits = nameBits;
        return copy;
    }

    // --- writing out

    /** The bytes of the field lines as {@link #writeLines} writes them. */
    int linesLength() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += fields[i].lineLength();
        }
        return n;
    }

    /**
     * Writes the field lines at {@code a[p]}, each as name, colon, space, value, CRLF (a character above 0xFF as
     * {@code ?}); returns the index after them. Lines that follow one another in a decoded section, each already in
     * that form, go over as one copy.
     */
    int writeLines(byte[] a, int p) {
        int i = 0;
        while (i < size) {
            Field f = fields[i++];
            if (f.asWritten) {
                byte[] section = f.section;
                int start = f.nameStart;
                int end = start + f.lineLength();
                while (i < size && fields[i].asWritten && fields[i].section == section && fields[i].nameStart == end) {
                    end += fields[i++].lineLength();
                }
                System.arraycopy(section, start, a, p, end - start);
                p += end - start;
            } else {
                p = Http1Encoder.writeLine(f.name(), f.value(), a, p);
            }
        }
        return p;
    }
}
