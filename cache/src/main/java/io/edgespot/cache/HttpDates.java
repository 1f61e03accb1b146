package io.edgespot.cache;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/** Parses and formats HTTP dates (RFC 9110 §5.6.7): IMF-fixdate plus the two obsolete forms on input. */
final class HttpDates {
    /** Returned when a date is absent or cannot be parsed. */
    static final long INVALID = Long.MIN_VALUE;

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US);
    /** asctime-date; its year is exactly four digits (a pattern's {@code yyyy} would take {@code +999999999}). */
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .appendPattern("EEE MMM ppd HH:mm:ss ")
            .appendValue(ChronoField.YEAR, 4)
            .toFormatter(Locale.US);
    private static final List<DateTimeFormatter> LOCAL_FORMS = List.of(RFC_850, ASCTIME);

    private HttpDates() {
    }

    /** Returns the date in epoch millis, or {@link #INVALID}. */
    static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String text = value.trim();
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(text)).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // fall through to the obsolete forms, which recipients must still accept
        }
        for (DateTimeFormatter form : LOCAL_FORMS) {
            try {
                return LocalDateTime.parse(text, form).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                // try the next form (a date beyond the epoch-millisecond range is as invalid as a malformed one)
            }
        }
        return INVALID;
    }

    /** Formats epoch millis as IMF-fixdate. */
    static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }
}
