package io.edgespot.proxy.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes ({@code 512MiB}, {@code 64KiB}, {@code 1000}) and durations ({@code 10s}, {@code 250ms}). */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Units() {
    }

    /**
     * Parses a byte size.
     *
     * @param text e.g. {@code 512MiB}, {@code 10KB} (decimal), {@code 4096} (bytes)
     * @return the number of bytes
     * @throws IllegalArgumentException with a message suitable for a config error
     */
    public static long parseSize(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("size must not be negative, got '" + text + "'");
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 4096, 64KiB, 512MiB, 2GiB)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        long mult = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "B" -> 1L;
            case "KB" -> 1000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1000_000_000L;
            case "GiB" -> 1L << 30;
            case "TB" -> 1000_000_000_000L;
            default -> 1L << 40;
        };
        if (n > Long.MAX_VALUE / mult) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return n * mult;
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}; at most about 292 years, so
     *             that it fits in 64-bit nanoseconds
     * @return the duration
     * @throws IllegalArgumentException with a message suitable for a config error
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("duration must not be negative, got '" + text + "'");
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 250ms, 10s, 5m, 1h)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            d.toNanos(); // timers count in nanoseconds: a duration must fit (about 292 years)
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration too large: '" + text + "'");
        }
    }

    /** Formats a byte count the way the config accepts it, for display. */
    public static String formatSize(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }

    /** Formats a duration the way the config accepts it, for display. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
