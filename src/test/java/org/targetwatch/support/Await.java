package org.targetwatch.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waiting for something a server does on its own time (a delivery, an event on a stream), at most 20 s. */
public final class Await {
    private Await() {}

    /** Polls every 20 ms until {@code condition} holds; fails naming {@code what} after 20 s. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
