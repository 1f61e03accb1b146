package io.edgespot.proxy.admin;

import io.edgespot.proxy.config.EdgeConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per request, {@code json} or {@code combined}, to a file or standard output.
 *
 * <p>{@link #log} is called on event loops and never blocks: records go into a bounded queue that one
 * writer thread formats and writes. When the queue is full (the disk or the terminal cannot keep up)
 * the record is dropped and counted in {@link #dropped()}; the queue holds at most 65536 records, which
 * bounds the log's memory. Files are opened for appending, so copy-truncate rotation works.
 */
public final class AccessLog implements AutoCloseable {

    static final int DEFAULT_CAPACITY = 64 * 1024;
    private static final int BATCH = 512;
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    private final AccessLogFormat format;
    private final OutputStream out;
    private final boolean ownsOut;
    private final Writer writer;
    private final BlockingQueue<AccessRecord> queue;
    private final LongAdder dropped = new LongAdder();
    private final Thread thread;
    private volatile boolean closed;

    AccessLog(AccessLogFormat format, OutputStream out, boolean ownsOut, int capacity) {
        this.format = format;
        this.out = out;
        this.ownsOut = ownsOut;
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "edgespot-access-log");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens the access log a config asks for.
     *
     * @return the log, or empty when the config disables it
     * @throws IOException when the file cannot be opened for appending
     */
    public static Optional<AccessLog> open(EdgeConfig.AccessLog config) throws IOException {
        if (!config.enabled()) {
            return Optional.empty();
        }
        AccessLogFormat format = AccessLogFormat.of(config.format());
        if (config.file().isEmpty()) {
            return Optional.of(new AccessLog(format, System.out, false, DEFAULT_CAPACITY));
        }
        OutputStream file = Files.newOutputStream(config.file().get(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return Optional.of(new AccessLog(format, file, true, DEFAULT_CAPACITY));
    }

    /** Queues one record; drops it (and counts it) when the queue is full or the log is closed. */
    public void log(AccessRecord record) {
        if (closed || !queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Returns how many records were dropped because the queue was full, the log closed or a write failed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Writes every queued record, flushes, and closes the file (standard output is only flushed). */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer.flush();
            if (ownsOut) {
                out.close();
            }
        } catch (IOException e) {
            LOG.warn("access log: cannot flush on close: {}", e.getMessage());
        }
    }

    private void run() {
        List<AccessRecord> batch = new ArrayList<>(BATCH);
        boolean failing = false;
        while (true) {
            AccessRecord first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            try {
                for (AccessRecord r : batch) {
                    writer.write(format.line(r));
                    writer.write('\n');
                }
                if (queue.isEmpty()) {
                    writer.flush();
                }
                failing = false;
            } catch (IOException | RuntimeException e) {
                dropped.add(batch.size());
                if (!failing) {
                    LOG.warn("access log: write failed, dropping lines until it recovers: {}", e.getMessage());
                    failing = true;
                }
            }
            batch.clear();
        }
    }
}
