package io.edgespot.testkit;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Collects Netty's resource leak reports instead of only logging them, so that a test run can fail on a leak.
 *
 * <p>Netty reports a leak when a tracked object (a {@code ByteBuf} above all) is garbage collected without having
 * been released, and only lazily: the detector of a resource type looks at its queue of collected objects the
 * next time it tracks a new object of that type. {@link #drain} therefore forces a collection, waits for the
 * collected references to be queued, and makes every detector look, so a leak shows up at a chosen moment.
 *
 * <p>Each detector comes from {@link #factory()}; Netty keeps the detectors it creates in static fields of the
 * resource classes, so the factory must be installed before the first of them (e.g. {@code AbstractByteBuf}) is
 * initialised. {@link LeakDetectionSession} does that for the test JVM.
 */
public final class LeakCollector {

    /** How long {@link #drain} waits for a forced collection to queue a reference, at most. */
    private static final long GC_WAIT_MILLIS = 2000;

    private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
    private final List<CollectingDetector<?>> detectors = new CopyOnWriteArrayList<>();
    private final ResourceLeakDetectorFactory factory = new ResourceLeakDetectorFactory() {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            CollectingDetector<T> d = new CollectingDetector<>(resource, samplingInterval);
            detectors.add(d);
            return d;
        }
    };

    /** The factory whose detectors report here. */
    public ResourceLeakDetectorFactory factory() {
        return factory;
    }

    /** The resource types this collector has made a detector for, e.g. {@code ByteBuf}. */
    public List<String> resourceTypes() {
        return detectors.stream().map(d -> d.type).toList();
    }

    /**
     * Forces a garbage collection, has every detector report what it found since the last call, and returns
     * those reports (each the resource type and Netty's access records), oldest first.
     */
    public List<String> drain() throws InterruptedException {
        forceGc();
        for (CollectingDetector<?> d : detectors) {
            d.poll();
        }
        List<String> out = new ArrayList<>();
        for (String r; (r = reports.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    /**
     * Runs the collector until a fresh weakly reachable sentinel has been cleared and queued: by then the
     * references the same collection cleared (Netty's leak trackers among them) are queued too.
     */
    private static void forceGc() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GC_WAIT_MILLIS);
        do {
            System.gc();
            if (queue.remove(50) == sentinel) {
                return;
            }
        } while (System.nanoTime() - deadline < 0);
        throw new IllegalStateException("the JVM did not collect a weakly reachable object within "
                + GC_WAIT_MILLIS + " ms (is -XX:+DisableExplicitGC set?)");
    }

    /** A detector that hands its reports to the collector rather than to the log. */
    private final class CollectingDetector<T> extends ResourceLeakDetector<T> {
        private final String type;

        CollectingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
            this.type = resource.getSimpleName();
        }

        /** Reports what has been collected unreleased: a tracker is opened and closed, which makes Netty look. */
        void poll() {
            @SuppressWarnings("unchecked") // the probe is never used as a T: it is tracked and closed at once
            ResourceLeakDetector<Object> self = (ResourceLeakDetector<Object>) (ResourceLeakDetector<?>) this;
            Object probe = new Object();
            ResourceLeakTracker<Object> t = self.trackForcibly(probe);
            t.close(probe);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when the error log level is off
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            reports.add("LEAK: " + resourceType + " was garbage collected without being released." + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            reports.add("LEAK: " + resourceType + " was garbage collected without being released"
                    + " (no access records: run with -Dio.netty.leakDetection.level=paranoid to see where).");
        }
    }
}
