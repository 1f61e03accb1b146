package io.edgespot.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Builds the full cache key: the primary key bytes followed by the normalised request values of the Vary-named
 * header fields (RFC 9111 §4.1).
 */
final class VaryKey {
    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;

    private VaryKey() {
    }

    /** Returns the lower-cased, de-duplicated, sorted field names listed by the response's Vary lines. */
    static List<String> names(HttpFields responseHeaders) {
        TreeSet<String> names = new TreeSet<>();
        for (String line : responseHeaders.getAll("vary")) {
            for (String name : line.split(",")) {
                String trimmed = name.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    names.add(trimmed);
                }
            }
        }
        return List.copyOf(names);
    }

    /** Returns whether the response varies on {@code *}, which makes it unusable for any later request. */
    static boolean isWildcard(List<String> names) {
        return names.contains("*");
    }

    /** Appends the request's selected values for {@code names} to the primary key bytes. */
    static byte[] of(byte[] primaryKey, List<String> names, HttpFields requestHeaders) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(primaryKey.length + 32 * names.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(primaryKey);
            out.writeInt(names.size());
            for (String name : names) {
                PrimaryKey.writeString(out, name);
                List<String> lines = requestHeaders.getAll(name);
                if (lines.isEmpty()) {
                    out.writeByte(ABSENT);
                } else {
                    out.writeByte(PRESENT);
                    PrimaryKey.writeString(out, normalise(name, lines));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Normalises a field's value so that semantically equal requests select the same variant: lines are combined,
     * list members trimmed and empty members dropped; for Accept-Encoding, whose codings are case-insensitive,
     * members are also lower-cased.
     */
    static String normalise(String name, List<String> lines) {
        List<String> members = new ArrayList<>();
        boolean caseInsensitive = "accept-encoding".equals(name);
        for (String line : lines) {
            for (String member : line.split(",")) {
                String trimmed = member.strip();
                if (!trimmed.isEmpty()) {
                    members.add(caseInsensitive ? trimmed.toLowerCase(Locale.ROOT) : trimmed);
                }
            }
        }
        return String.join(",", members);
    }
}
