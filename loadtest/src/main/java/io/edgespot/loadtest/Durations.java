package io.edgespot.loadtest;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the short durations the command line accepts: {@code 250ms}, {@code 10s}, {@code 2m}.
 */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses a duration such as {@code 250ms}, {@code 10s}, {@code 2m} or {@code 1h}.
     *
     * @param flag the flag the text came with, named in the error message
     * @param text the text to parse
     * @return the duration
     * @throws ArgsException if the text is not a whole number followed by {@code ms}, {@code s}, {@code m} or
     *     {@code h}
     */
    public static Duration parse(String flag, String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new ArgsException("bad duration '" + text + "' for " + flag + ": use e.g. 250ms, 10s or 2m");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    /**
     * Formats a duration the way {@link #parse} reads it, choosing the largest unit that divides it exactly.
     *
     * @param d the duration
     * @return text such as {@code 250ms} or {@code 30s}
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
