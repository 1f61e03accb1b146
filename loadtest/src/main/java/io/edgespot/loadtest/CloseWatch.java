package io.edgespot.loadtest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records when and with which close code the server closed WebSockets, to show how a drain spread its closes.
 *
 * <p>Times are reported relative to the first close: the spread (min, p50, max) and the number of closes in each
 * second after the first one.
 */
public final class CloseWatch {

    /** Close code recorded when the connection ended without a close frame (RFC 6455 section 7.1.5). */
    public static final int ABNORMAL = 1006;

    private final ConcurrentLinkedQueue<long[]> closes = new ConcurrentLinkedQueue<>();

    /**
     * Records one server-initiated close; thread-safe.
     *
     * @param code the close code, {@link #ABNORMAL} if there was no close frame
     * @param nanos the {@link System#nanoTime()} of the close
     */
    public void record(int code, long nanos) {
        closes.add(new long[] {code, nanos});
    }

    /** @return the number of closes recorded */
    public int count() {
        return closes.size();
    }

    /**
     * Summarises the closes for the report.
     *
     * @return {@code count}, {@code codes} (code to count), {@code spreadMs} ({@code min}, {@code p50},
     *     {@code max} relative to the first close) and {@code perSecond} (closes in each second after the first)
     */
    public Map<String, Object> toMap() {
        List<long[]> all = new ArrayList<>(closes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", all.size());
        Map<Integer, Long> codes = new TreeMap<>();
        List<Long> times = new ArrayList<>();
        for (long[] c : all) {
            codes.merge((int) c[0], 1L, Long::sum);
            times.add(c[1]);
        }
        Map<String, Object> codeMap = new LinkedHashMap<>();
        codes.forEach((code, n) -> codeMap.put(String.valueOf(code), n));
        m.put("codes", codeMap);
        Collections.sort(times);
        Map<String, Object> spread = new LinkedHashMap<>();
        List<Object> perSecond = new ArrayList<>();
        if (!times.isEmpty()) {
            long first = times.get(0);
            spread.put("min", 0.0);
            spread.put("p50", millis(times.get((times.size() - 1) / 2) - first));
            spread.put("max", millis(times.get(times.size() - 1) - first));
            int buckets = (int) ((times.get(times.size() - 1) - first) / 1_000_000_000L) + 1;
            long[] counts = new long[buckets];
            for (long t : times) {
                counts[(int) ((t - first) / 1_000_000_000L)]++;
            }
            for (long c : counts) {
                perSecond.add(c);
            }
        }
        m.put("spreadMs", spread);
        m.put("perSecond", perSecond);
        return m;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1000.0) / 1000.0;
    }
}
