package io.mailseal.demo;

import io.mailseal.demo.CaptureSink.Verb;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A transaction of the {@link CaptureSink} stopped by {@link CaptureSink#holdNext} until released.
 */
public final class TransactionHold {
    private final Verb verb;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    TransactionHold(Verb verb) {
        this.verb = verb;
    }

    /** True once a transaction stands at the held verb. */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
        return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void release() {
        released.countDown();
    }

    Verb verb() {
        return verb;
    }

    void block() throws InterruptedException {
        reached.countDown();
        released.await(1, TimeUnit.MINUTES); // never keeps a test's sink alive for long
    }
}
