package io.edgespot.cache;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A scheduler whose tasks run only when the test fires them. */
final class ManualScheduler implements Scheduler {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
        tasks.add(() -> executor.execute(command));
        return new CompletableFuture<>();
    }

    synchronized int pending() {
        return tasks.size();
    }

    void runAll() {
        List<Runnable> due;
        synchronized (this) {
            due = new ArrayList<>(tasks);
            tasks.clear();
        }
        due.forEach(Runnable::run);
    }
}
