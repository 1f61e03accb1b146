package io.edgespot.testkit;

import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the one {@link LeakCollector} of the test JVM as Netty's leak detector factory when the JUnit launcher
 * session opens, before any test class is loaded and so before any Netty resource class creates its detector.
 * Registered through {@code META-INF/services}; {@link LeakCheckExtension} drains it after each test class.
 *
 * <p>Netty's factory is process-wide, so the collector is too: it is the only static state of the tests, and
 * only this class and the extension touch it.
 */
public final class LeakDetectionSession implements LauncherSessionListener {

    private static final LeakCollector COLLECTOR = new LeakCollector();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(COLLECTOR.factory());
    }

    /** The collector of this JVM, installed as Netty's factory by the time this returns. */
    public static LeakCollector collector() {
        return COLLECTOR;
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        collector(); // initialising this class installed the factory
    }

    /** What the last class let go of after its check can no longer fail a class: it is printed. */
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        try {
            for (String leak : COLLECTOR.drain()) {
                System.err.println("after the last test class: " + leak);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
