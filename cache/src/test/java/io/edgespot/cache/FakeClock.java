package io.edgespot.cache;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told. */
final class FakeClock implements CacheClock {
    private final AtomicLong now;

    FakeClock(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long currentTimeMillis() {
        return now.get();
    }

    void advanceSeconds(long seconds) {
        now.addAndGet(seconds * 1000);
    }

    void advanceMillis(long millis) {
        now.addAndGet(millis);
    }
}
