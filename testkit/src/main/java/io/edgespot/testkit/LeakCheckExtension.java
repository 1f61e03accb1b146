package io.edgespot.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer (or any other tracked resource) while it ran: after the
 * class, and after its own {@code @AfterAll} methods stopped its servers, a collection is forced and the
 * {@link LeakCollector} drained. A leak is normally found by the class that made it; an object of an earlier class
 * that stayed reachable until later is found by the later class, which is why the report shows Netty's access
 * records of the leaked object.
 *
 * <p>Registered for every class through {@code META-INF/services} and
 * {@code junit.jupiter.extensions.autodetection.enabled} in {@code junit-platform.properties}.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> leaks = LeakDetectionSession.collector().drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) reported while "
                    + context.getDisplayName() + " ran:\n" + String.join("\n\n", leaks));
        }
    }
}
