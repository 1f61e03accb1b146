package io.edgespot.loadtest.hitratio;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Seeds the calling thread's {@link java.util.concurrent.ThreadLocalRandom}, the one source of randomness inside
 * Caffeine's eviction: when a candidate of frequency 6 or more loses to an equally or more frequent victim, W-TinyLFU
 * still admits it with probability 1/128 (a defence against hash flooding), drawn from that generator. Unseeded,
 * those draws differ between runs and, through the hill climber that sizes the admission window, move some hit
 * ratios by more than a percentage point; seeded, a replay is exactly repeatable.
 *
 * <p>{@code ThreadLocalRandom} has no public way to be seeded, so this writes the two fields of
 * {@link Thread} that back it ({@code threadLocalRandomSeed}, {@code threadLocalRandomProbe}) through
 * {@code sun.misc.Unsafe}, found reflectively in the {@code jdk.unsupported} module, as {@code ThreadLocalRandom}
 * itself does. It works on JDK 17 to 21; where a JDK refuses, {@link #seed} returns false and the study says so.
 * Only this simulation uses it; nothing in edgespot does.
 */
final class AdmissionSeed {
    private static final MethodHandle PUT_LONG;
    private static final MethodHandle PUT_INT;
    private static final long SEED_OFFSET;
    private static final long PROBE_OFFSET;
    private static final boolean AVAILABLE;

    static {
        MethodHandle putLong = null;
        MethodHandle putInt = null;
        long seedOffset = -1;
        long probeOffset = -1;
        boolean available = false;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle fieldOffset = lookup.findVirtual(unsafeClass, "objectFieldOffset",
                    MethodType.methodType(long.class, Field.class)).bindTo(unsafe);
            seedOffset = (long) fieldOffset.invoke(Thread.class.getDeclaredField("threadLocalRandomSeed"));
            probeOffset = (long) fieldOffset.invoke(Thread.class.getDeclaredField("threadLocalRandomProbe"));
            putLong = lookup.findVirtual(unsafeClass, "putLong",
                    MethodType.methodType(void.class, Object.class, long.class, long.class)).bindTo(unsafe);
            putInt = lookup.findVirtual(unsafeClass, "putInt",
                    MethodType.methodType(void.class, Object.class, long.class, int.class)).bindTo(unsafe);
            available = true;
        } catch (Throwable e) {
            available = false;
        }
        PUT_LONG = putLong;
        PUT_INT = putInt;
        SEED_OFFSET = seedOffset;
        PROBE_OFFSET = probeOffset;
        AVAILABLE = available;
    }

    private AdmissionSeed() {
    }

    /**
     * Seeds the calling thread's {@code ThreadLocalRandom}.
     *
     * @param seed the seed
     * @return whether the generator was seeded
     */
    static boolean seed(long seed) {
        if (!AVAILABLE) {
            return false;
        }
        try {
            Thread self = Thread.currentThread();
            PUT_LONG.invoke(self, SEED_OFFSET, seed);
            // A non-zero probe marks the generator initialised, so ThreadLocalRandom.current() keeps the seed.
            PUT_INT.invoke(self, PROBE_OFFSET, 0x9E3779B9);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }
}
