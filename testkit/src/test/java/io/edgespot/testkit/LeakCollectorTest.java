package io.edgespot.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The leak check itself: a buffer dropped unreleased is reported, a released one is not. */
final class LeakCollectorTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReportedWithItsAccessRecords() throws Exception {
        LeakCollector collector = new LeakCollector();
        ResourceLeakDetector<ByteBuf> detector = collector.factory().newResourceLeakDetector(ByteBuf.class);
        String hint = "dropped-" + UUID.randomUUID();
        trackAndDrop(detector, hint);

        List<String> leaks = collector.drain();

        assertThat(leaks).singleElement().satisfies(r -> assertThat(r).contains("LEAK: ByteBuf").contains(hint));
        assertThat(collector.drain()).as("a report is handed out once").isEmpty();
    }

    @Test
    void aReleasedBufferIsNotReported() throws Exception {
        LeakCollector collector = new LeakCollector();
        ResourceLeakDetector<ByteBuf> detector = collector.factory().newResourceLeakDetector(ByteBuf.class);
        ByteBuf buf = Unpooled.buffer(16);
        ResourceLeakTracker<ByteBuf> tracker = detector.trackForcibly(buf);
        tracker.record("released");
        tracker.close(buf);
        buf.release();

        assertThat(collector.drain()).isEmpty();
    }

    /**
     * End to end through the collector this JVM installed: a real buffer from Netty's allocator, leaked on
     * purpose, is found. The report is drained here, so the class check after this class stays green.
     */
    @Test
    void theInstalledCollectorCatchesARealLeakedBuffer() throws Exception {
        assertThat(ResourceLeakDetector.getLevel()).as("the build runs tests with "
                + "-Dio.netty.leakDetection.level=paranoid, so that every buffer is tracked")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        LeakCollector installed = LeakDetectionSession.collector();
        installed.drain();
        String hint = "leaked-on-purpose-" + UUID.randomUUID();
        leak(hint);

        List<String> leaks = installed.drain();

        assertThat(installed.resourceTypes()).as("ByteBuf's detector came from the installed factory")
                .contains("ByteBuf");
        assertThat(leaks).singleElement().satisfies(r -> assertThat(r).contains(hint));
    }

    private static void trackAndDrop(ResourceLeakDetector<ByteBuf> detector, String hint) {
        ByteBuf buf = Unpooled.buffer(16);
        detector.trackForcibly(buf).record(hint);
        buf.release(); // the memory goes back, but the tracker is never closed: that is what a leak looks like
    }

    private static void leak(String hint) {
        ByteBufAllocator.DEFAULT.buffer(16).touch(hint).writeByte(1); // never released
    }
}
