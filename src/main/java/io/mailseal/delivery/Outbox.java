package io.mailseal.delivery;

import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.util.List;

/**
 * Where the intake hands sealed messages over: all of one transaction are written durably or none
 * are ({@link Spool#write}), then they are scheduled for delivery.
 */
public final class Outbox {
    private final Spool spool;
    private final DeliveryScheduler scheduler;

    public Outbox(Spool spool, DeliveryScheduler scheduler) {
        this.spool = spool;
        this.scheduler = scheduler;
    }

    public void queue(List<SpooledMessage> messages) throws IOException {
        spool.write(messages);
        messages.forEach(scheduler::submit);
    }
}
