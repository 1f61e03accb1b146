package io.edgespot.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Searches a heap dump (or any large file) for marker strings the way they can sit in a Java heap: Latin-1 (byte
 * arrays and compact strings) and UTF-16 in both byte orders (char arrays and non-Latin-1 strings). The file is
 * streamed, so a dump larger than the test's heap is fine.
 */
public final class HeapDumpScan {

    private static final List<Charset> ENCODINGS = List.of(StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE);

    private HeapDumpScan() {
    }

    /**
     * Counts the occurrences of each marker.
     *
     * @param markers the markers by label
     * @return occurrence counts keyed {@code label/encoding}, only for those found
     */
    public static Map<String, Integer> count(Path file, Map<String, String> markers) throws IOException {
        byte[][] needles = new byte[markers.size() * ENCODINGS.size()][];
        String[] labels = new String[needles.length];
        int k = 0;
        for (Charset encoding : ENCODINGS) {
            for (Map.Entry<String, String> m : markers.entrySet()) {
                needles[k] = m.getValue().getBytes(encoding);
                labels[k++] = m.getKey() + "/" + encoding.name();
            }
        }
        int overlap = Arrays.stream(needles).mapToInt(n -> n.length).max().orElse(1) - 1;
        Map<String, Integer> found = new TreeMap<>();
        byte[] buffer = new byte[8 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int filled = 0;
            for (int read; (read = in.readNBytes(buffer, filled, buffer.length - filled)) > 0; ) {
                int end = filled + read;
                countMatches(buffer, end, needles, labels, found);
                int keep = Math.min(overlap, end);
                System.arraycopy(buffer, end - keep, buffer, 0, keep);
                filled = keep;
            }
        }
        return found;
    }

    /** Counts needle starts in {@code buffer[0, end)}; a match inside the carried-over overlap is never whole. */
    private static void countMatches(byte[] buffer, int end, byte[][] needles, String[] labels,
                                     Map<String, Integer> found) {
        for (int n = 0; n < needles.length; n++) {
            byte[] needle = needles[n];
            byte first = needle[0];
            for (int i = 0, last = end - needle.length; i <= last; i++) {
                if (buffer[i] == first && Arrays.equals(buffer, i, i + needle.length, needle, 0, needle.length)) {
                    found.merge(labels[n], 1, Integer::sum);
                }
            }
        }
    }
}
