package io.edgespot.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Main#processDefaults} in a JVM of its own, since the settings are process-wide and read once by Netty's
 * classes: what Netty ends up using with no operator setting, and that an operator's {@code -D} wins.
 */
final class ProcessDefaultsTest {

    /**
     * Applies the defaults, then prints what Netty's classes read: how many of three 33 KiB buffers (the size
     * {@code SslHandler} asks for on each wrap), then of three 64 KiB ones (the largest read buffer), each taken and
     * given back in turn on an event-loop-like thread, came from the arena rather than the thread's cache; the
     * recycler setting; the leak detection level; whether io_uring's multishot poll is on.
     */
    public static final class Probe {
        public static void main(String[] args) throws InterruptedException {
            Main.processDefaults();
            PooledByteBufAllocator pool = PooledByteBufAllocator.DEFAULT;
            StringBuilder out = new StringBuilder();
            Thread loop = new FastThreadLocalThread(() -> {
                for (int size : new int[] {33 * 1024, 64 * 1024}) {
                    long before = fromArena(pool);
                    for (int i = 0; i < 3; i++) {
                        pool.directBuffer(size).release();
                    }
                    out.append(fromArena(pool) - before).append(' ');
                }
            });
            loop.start();
            loop.join();
            System.out.println(out + System.getProperty("io.netty.recycler.maxCapacityPerThread") + " "
                    + ResourceLeakDetector.getLevel() + " " + IoUring.isPollAddMultishotEnabled());
        }

        private static long fromArena(PooledByteBufAllocator pool) {
            return pool.metric().directArenas().stream().mapToLong(PoolArenaMetric::numNormalAllocations).sum();
        }
    }

    private static String probe(String... jvmFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output.lines().reduce((first, second) -> second).orElse("");
    }

    @Test
    void nettyRunsWithEdgespotsDefaults() throws Exception {
        assertThat(probe()).isEqualTo("1 3 0 DISABLED false");
    }

    @Test
    void anOperatorsSettingWins() throws Exception {
        // this JVM has no setting of its own: Netty's default, on where the kernel supports it
        boolean multishotWhereSupported = IoUring.isPollAddMultishotEnabled();
        assertThat(probe("-Dio.netty.allocator.maxCachedBufferCapacity=16384",
                "-Dio.netty.recycler.maxCapacityPerThread=4096", "-Dio.netty.leakDetection.level=simple",
                "-Dio.netty.iouring.pollAddMultishotEnabled=true"))
                .isEqualTo("3 3 4096 SIMPLE " + multishotWhereSupported);
    }
}
