package io.edgespot.crypto.tls;

import java.security.Provider;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.conscrypt.Conscrypt;

/**
 * The one place that checks Conscrypt works on this platform and hands out its JSSE provider.
 *
 * <p>Conscrypt is BoringSSL behind JNI; {@code conscrypt-openjdk-uber} ships native libraries for Linux
 * (x86_64, aarch64), macOS and Windows x86_64. On any other platform, or when the library cannot be loaded
 * (for example a {@code noexec} temporary directory), {@link #provider()} throws an
 * {@link IllegalStateException} that says so.
 *
 * <p>The provider is passed explicitly to each {@code SSLContext} this package creates and is never
 * inserted into the JVM's provider list, so the rest of the process keeps the JDK's defaults.
 */
public final class Conscrypts {

    private Conscrypts() {
    }

    /**
     * Tells whether Conscrypt's native library loaded on this platform.
     *
     * @return {@code true} if {@link #provider()} will succeed
     */
    public static boolean isAvailable() {
        return Conscrypt.isAvailable();
    }

    /**
     * Fails with a clear message when Conscrypt cannot be used here.
     *
     * @throws IllegalStateException if the native library did not load; its cause is the loader's error
     */
    public static void checkAvailable() {
        if (Conscrypt.isAvailable()) {
            return;
        }
        Throwable cause = null;
        try {
            Conscrypt.checkAvailability();
        } catch (Throwable t) {
            cause = t;
        }
        String platform = System.getProperty("os.name", "?") + "/" + System.getProperty("os.arch", "?");
        throw new IllegalStateException("Conscrypt (BoringSSL) is not available on " + platform
                + ": its native library could not be loaded, and edgespot's TLS requires it", cause);
    }

    /**
     * Returns the shared Conscrypt provider, checking availability first.
     *
     * <p>Thread-safe; the same instance is returned on every call.
     *
     * @return the Conscrypt JSSE provider
     * @throws IllegalStateException if Conscrypt is not available
     */
    public static Provider provider() {
        checkAvailable();
        return Holder.PROVIDER;
    }

    /**
     * Tells whether an engine's TLS work is done by Conscrypt, directly or behind the wrappers Netty and this
     * package put around Conscrypt's engine; the wrappers hand out Conscrypt's own session objects, or ours over them.
     *
     * @param engine an engine, for example {@code sslHandler.engine()}
     * @return {@code true} if the engine, or the session it hands out, is Conscrypt's
     */
    public static boolean isConscryptEngine(SSLEngine engine) {
        SSLSession session = engine.getSession();
        return Conscrypt.isConscrypt(engine) || session instanceof RoomySession // ours, over a Conscrypt engine
                || session.getClass().getName().startsWith("org.conscrypt.");
    }

    /** Lazily creates the provider so that merely loading this class never touches native code. */
    private static final class Holder {
        static final Provider PROVIDER = Conscrypt.newProvider();
    }
}
