package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers spooled messages in the background, per recipient: delivered → done; deferred
 * → retried with exponential back-off ({@code retry.initial} doubling to {@code retry.max});
 * failed → a DSN to the sender; past its {@code expires} (the policy's max-age) → never
 * delivered late, a DSN says so. No DSN to the null sender {@code <>}. The queue in memory
 * holds ids and times only; each attempt reads the message from the spool, so a message an
 * operator deleted is not sent and a backlog does not fill the heap. Time comes from the
 * injected clock, so tests move time instead of sleeping.
 *
 * <p>After an attempt the spool is updated first (only the recipients still waiting stay),
 * then the DSN is written; a step that fails is retried on its own, so a recipient that
 * is done is never sent the message again.
 */
public final class DeliveryScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);
    private final Spool spool;
    private final MessageDelivery delivery;
    private final NextHopClient nextHop;
    private final DeliveryConfig config;
    private final String hostname;
    private final Clock clock;
    private final DeliveryOutcomes outcomes;
    /** Not yet due, soonest first; guarded by itself. */
    private final PriorityQueue<Pending> waiting = new PriorityQueue<>(64, Comparator.comparing(Pending::due));
    private final PriorityBlockingQueue<Pending> due = new PriorityBlockingQueue<>(64, Pending.DUE_ORDER);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public DeliveryScheduler(Spool spool, Router router, NextHopClient nextHop, DeliveryConfig config,
                             String hostname, Clock clock, DeliveryOutcomes outcomes) {
        this.spool = spool;
        this.delivery = new MessageDelivery(router, nextHop, clock);
        this.nextHop = nextHop;
        this.config = config;
        this.hostname = hostname;
        this.clock = clock;
        this.outcomes = outcomes;
        threads.add(daemon(this::dispatch, "delivery-scheduler"));
        for (int i = 0; i < config.connections(); i++) {
            threads.add(daemon(this::work, "delivery"));
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Queues for an attempt now; the message must already be durably spooled. */
    public void submit(SpooledMessage m) {
        await(Pending.of(m, clock.instant()));
    }

    private void await(Pending p) {
        synchronized (waiting) {
            waiting.add(p);
            waiting.notifyAll();
        }
    }

    /** Every waiting message is handed to the workers now ({@code mailseal queue flush}); returns how many. */
    public int flush() {
        synchronized (waiting) {
            int n = waiting.size();
            due.addAll(waiting);
            waiting.clear();
            return n;
        }
    }

    private void dispatch() {
        try {
            while (running) {
                synchronized (waiting) {
                    Instant now = clock.instant();
                    while (!waiting.isEmpty() && !waiting.peek().due().isAfter(now)) {
                        due.add(waiting.poll());
                    }
                    waiting.wait(50); // a clock moved by hand is not announced: look again soon
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        try {
            while (running) {
                Pending p = due.poll(100, TimeUnit.MILLISECONDS);
                if (p != null && running) {
                    run(p);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Pending p) {
        MDC.put("queueId", p.id());
        try {
            Optional<Settlement> s = p.unrecorded().isPresent() ? p.unrecorded() : attempt(p);
            s.ifPresent(settlement -> record(p, settlement));
        } finally {
            MDC.remove("queueId");
        }
    }

    private Optional<Settlement> attempt(Pending p) {
        Optional<SpooledMessage> read;
        try {
            read = spool.readForDelivery(p.id());
        } catch (IOException | RuntimeException e) {
            log.error("reading the spooled message failed; retried later: {}", e.toString());
            await(p.nextAttemptAt(clock.instant().plus(backoff(p.attempts()))));
            return Optional.empty();
        }
        if (read.isEmpty()) {
            log.info("removed from the queue (or set aside as corrupt) before delivery");
            return Optional.empty();
        }
        SpooledMessage m = read.get();
        long start = System.nanoTime();
        Map<String, DeliveryResult> results = delivery.deliver(m);
        outcomes.attempted(Duration.ofNanos(System.nanoTime() - start));
        return Optional.of(Settlement.of(m, results, p.attempts() + 1));
    }

    /** Spool first, then the DSN; outcomes are counted once both are done. */
    private void record(Pending p, Settlement s) {
        Settlement rest = s;
        try {
            if (!s.spoolUpdated()) {
                boolean stillQueued = updateSpool(s);
                rest = s.withSpoolUpdated();
                if (stillQueued && !s.waiting().isEmpty()) {
                    retryLater(p, s);
                }
            }
            if (!rest.bounces().isEmpty()) {
                bounce(rest);
            }
            s.outcomes().forEach(o -> outcomes.outcome(s.message().policy(), o));
        } catch (IOException | RuntimeException e) {
            log.error("recording the attempt in the spool failed; the recording is retried, not the delivery: {}",
                    e.toString());
            outcomes.outcome(s.message().policy(), "unrecorded");
            await(p.recordAt(clock.instant().plus(config.retryInitial()), rest));
        }
    }

    /** False when nothing is left to retry (all done, or an operator deleted the message meanwhile). */
    private boolean updateSpool(Settlement s) throws IOException {
        SpooledMessage m = s.message();
        if (s.waiting().isEmpty()) {
            spool.remove(m.id());
            return false;
        }
        if (s.nothingDone() || spool.replace(m.withRecipients(s.waiting()))) {
            return true;
        }
        log.info("removed from the queue during the attempt: no retry");
        return false;
    }

    private void retryLater(Pending p, Settlement s) {
        Instant next = clock.instant().plus(backoff(p.attempts()));
        if (next.isAfter(p.expires())) {
            next = p.expires(); // expire on time: the sender hears at max-age, not at the next back-off step
        }
        log.info("retry at {} for {} recipient(s)", next, s.waiting().size());
        await(p.nextAttemptAt(next));
    }

    private void bounce(Settlement s) throws IOException {
        SpooledMessage m = s.message();
        if (m.envelopeFrom().isEmpty()) {
            return; // RFC 5321 §4.5.5: never a bounce to the null sender
        }
        Instant now = clock.instant();
        SpooledMessage dsn = new SpooledMessage(m.id() + ".dsn" + now.toEpochMilli(), "", List.of(m.envelopeFrom()),
                "dsn", now, now.plus(config.maxAge()), DeliveryStatusNotification.build(m, hostname, s.bounces(), now));
        spool.write(List.of(dsn));
        submit(dsn);
    }

    private Duration backoff(int attempts) {
        Duration d = config.retryInitial();
        for (int i = 0; i < attempts && d.compareTo(config.retryMax()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
    }

    /**
     * Stops: nothing queued is started any more (it stays in the spool for the next start),
     * the attempts under way get {@code delivery.shutdown-grace} to finish and record their
     * result. No thread is interrupted: an interrupt would break a spool write under way
     * (a FileChannel closes on interrupt). An attempt still running after the grace is left
     * to finish or to end with the process; its message is still spooled.
     */
    @Override
    public void close() {
        running = false;
        int left;
        synchronized (waiting) {
            left = waiting.size() + due.size();
            waiting.clear();
            due.clear();
        }
        log.info("delivery stopping: {} queued message(s) stay in the spool", left);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (threads.stream().anyMatch(Thread::isAlive)) {
            log.warn("deliveries still under way after {}: their messages stay in the spool", config.shutdownGrace());
        }
        nextHop.close();
    }

    /** Re-queues what a previous run left in the spool. */
    public void recover(List<SpooledMessage> messages) {
        new ArrayList<>(messages).forEach(this::submit);
    }
}
