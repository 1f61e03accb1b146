package io.edgespot.proxy.admin;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The access log line formats: one JSON object per line, or Apache combined with edgespot fields appended. */
enum AccessLogFormat {

    /**
     * One JSON object per line: {@code time, client, method, authority, path, protocol, status, bytes,
     * duration_ms, tenant, route, cluster, cache, request_id, referer, user_agent}; unknown fields are left out.
     */
    JSON {
        @Override
        String line(AccessRecord r) {
            StringWriter out = new StringWriter(256);
            try (JsonWriter w = new JsonWriter(out)) {
                w.setSerializeNulls(false);
                w.beginObject();
                w.name("time").value(r.time().truncatedTo(ChronoUnit.MILLIS).toString());
                w.name("client").value(r.clientAddress());
                w.name("method").value(r.method());
                w.name("authority").value(r.authority());
                w.name("path").value(stripQuery(r.path()));
                w.name("protocol").value(r.protocol());
                w.name("status").value(r.status());
                w.name("bytes").value(r.bytesSent());
                w.name("duration_ms").value(Math.round(r.durationNanos() / 1_000.0) / 1_000.0);
                w.name("tenant").value(r.tenant());
                w.name("route").value(r.route());
                w.name("cluster").value(r.cluster());
                w.name("cache").value(r.cacheStatus());
                w.name("request_id").value(r.requestId());
                w.name("referer").value(stripQuery(r.referer()));
                w.name("user_agent").value(r.userAgent());
                w.endObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }
    },

    /**
     * Apache combined ({@code %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"}) followed by
     * {@code host="..." tenant="..." route="..." cluster="..." cache="..." rid="..." rt=SECONDS}.
     */
    COMBINED {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

        @Override
        String line(AccessRecord r) {
            StringBuilder b = new StringBuilder(256);
            b.append(bare(r.clientAddress())).append(" - - [").append(TIME.format(r.time())).append("] \"");
            escape(b, r.method()).append(' ');
            escape(b, stripQuery(r.path())).append(' ');
            escape(b, r.protocol()).append("\" ").append(r.status()).append(' ');
            b.append(r.bytesSent() > 0 ? Long.toString(r.bytesSent()) : "-");
            quoted(b, " ", stripQuery(r.referer()));
            quoted(b, " ", r.userAgent());
            quoted(b, " host=", r.authority());
            quoted(b, " tenant=", r.tenant());
            quoted(b, " route=", r.route());
            quoted(b, " cluster=", r.cluster());
            quoted(b, " cache=", r.cacheStatus());
            quoted(b, " rid=", r.requestId());
            b.append(" rt=").append(String.format(Locale.ROOT, "%.3f", r.durationNanos() / 1e9));
            return b.toString();
        }
    };

    /** Formats one record as a line, without the line terminator. */
    abstract String line(AccessRecord r);

    /** Parses the config's format name. */
    static AccessLogFormat of(String name) {
        return switch (name) {
            case "json" -> JSON;
            case "combined" -> COMBINED;
            default -> throw new IllegalArgumentException("unknown access log format '" + name + "'");
        };
    }

    /** Drops the query string and fragment, which may carry tokens. */
    static String stripQuery(String target) {
        if (target == null) {
            return null;
        }
        int end = target.length();
        int q = target.indexOf('?');
        int f = target.indexOf('#');
        if (q >= 0) {
            end = q;
        }
        if (f >= 0 && f < end) {
            end = f;
        }
        return target.substring(0, end);
    }

    private static String bare(String value) {
        return value == null || value.isEmpty() ? "-" : value.replaceAll("[\\s\"\\\\]", "_");
    }

    private static void quoted(StringBuilder b, String prefix, String value) {
        b.append(prefix).append('"');
        escape(b, value == null || value.isEmpty() ? "-" : value).append('"');
    }

    /** Appends a value the way Apache does inside quotes: quote, backslash and control characters escaped. */
    private static StringBuilder escape(StringBuilder b, String value) {
        if (value == null) {
            return b.append('-');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b;
    }
}
