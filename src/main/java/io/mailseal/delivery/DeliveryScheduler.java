package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.Keywords;
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
 * Delivers spooled messages in the background, per recipient: delivered → done; deferred → retried
 * with exponential back-off ({@code retry.initial} doubling to {@code retry.max}); failed → a DSN
 * to the sender; past its {@code expires} (the policy's max-age) → never delivered late, a DSN says
 * so. No DSN to the null sender {@code <>}. The queue in memory holds ids and times only; each
 * attempt reads the message from the spool, so a message an operator deleted is not sent and a
 * backlog does not fill the heap. Time comes from the injected clock: tests move it, never sleep.
 *
 * <p>After an attempt the DSN is written first, then the spool is updated (only the recipients
 * still waiting stay), as Postfix does: a crash in between may send a DSN twice, never lose it. A
 * step that fails is retried on its own, so a recipient that is done is never sent the message
 * again and a DSN written is not written again. On {@link #close()} such a step is tried once more;
 * if it fails again, an ERROR names the queue id and who would get the message twice.
 */
public final class DeliveryScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);
    private final Spool spool;
    private final MessageDelivery delivery;
    private final NextHopClient nextHop;
    private final DeliveryConfig config;
    private final SettlementWriter writer;
    private final Clock clock;
    private final DeliveryOutcomes outcomes;

    /** Not yet due, soonest first; guarded by itself. */
    private final PriorityQueue<Pending> waiting =
            new PriorityQueue<>(64, Comparator.comparing(Pending::due));

    private final PriorityBlockingQueue<Pending> due =
            new PriorityBlockingQueue<>(64, Pending.DUE_ORDER);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public DeliveryScheduler(
            Spool spool,
            Router router,
            NextHopClient nextHop,
            DeliveryConfig config,
            String hostname,
            Clock clock,
            DeliveryOutcomes outcomes,
            SpooledContent content,
            DeliveryEvidence evidence) {
        this.spool = spool;
        this.delivery = new MessageDelivery(router, nextHop, clock, content, evidence);
        this.nextHop = nextHop;
        this.config = config;
        this.writer = new SettlementWriter(spool, hostname, config.maxAge(), clock);
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

    /** False once stopping: nothing would start it any more (its message stays in the spool). */
    private boolean await(Pending p) {
        synchronized (waiting) {
            if (running) {
                waiting.add(p);
                waiting.notifyAll();
            }
            return running;
        }
    }

    /**
     * Every waiting message is handed to the workers now ({@code mailseal queue flush}); returns
     * how many.
     */
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

    /** Nothing escapes: a worker that died would take its entry with it and never deliver again. */
    private void run(Pending p) {
        MDC.put("queueId", p.id());
        try {
            Optional<Settlement> s = p.unrecorded().isPresent() ? p.unrecorded() : attempt(p);
            s.ifPresent(settlement -> record(p, settlement));
        } catch (RuntimeException | Error e) {
            Instant next = clock.instant().plus(backoff(p.attempts()));
            log.error("the attempt failed unexpectedly; retried at {}", next, e);
            await(
                    p.unrecorded().isPresent()
                            ? p.recordAt(next, p.unrecorded().get())
                            : p.nextAttemptAt(next));
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
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        report("attempt time", () -> outcomes.attempted(took));
        return Optional.of(Settlement.of(m, results, p.attempts() + 1));
    }

    /** The DSN first, then the spool; outcomes are counted once both are done. */
    private void record(Pending p, Settlement s) {
        Optional<Settlement> rest = tryRecord(p, s);
        if (rest.isPresent()) {
            if (!await(p.recordAt(clock.instant().plus(config.retryInitial()), rest.get()))) {
                SettlementWriter.reportUnrecorded(p.id(), rest.get());
            }
            // once the retry is queued: whoever sees this may move the clock to it
            report("unrecorded", () -> outcomes.outcome(s.message().policy(), "unrecorded"));
        } else {
            s.outcomes().forEach(o -> report(o, () -> outcomes.outcome(s.message().policy(), o)));
        }
    }

    /** What is still to be recorded after a step failed, or empty when all is in the spool. */
    private Optional<Settlement> tryRecord(Pending p, Settlement s) {
        Settlement rest = s;
        try {
            if (!s.dsnWritten()) {
                Optional<SpooledMessage> dsn = writer.bounce(s);
                rest = s.withDsnWritten();
                dsn.ifPresent(this::submit);
            }
            if (writer.updateSpool(rest) && !rest.waiting().isEmpty()) {
                retryLater(p, rest);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException | Error e) {
            log.error(
                    "recording the attempt in the spool failed; the recording is retried, not the delivery: {}",
                    e.toString());
            return Optional.of(rest);
        }
    }

    /** Metrics never decide a delivery: failing to count must not send a message or a DSN twice. */
    private static void report(String what, Runnable toMetrics) {
        try {
            toMetrics.run();
        } catch (RuntimeException e) {
            log.warn("reporting {} to the metrics failed: {}", what, e.toString());
        }
    }

    private void retryLater(Pending p, Settlement s) {
        Instant next = clock.instant().plus(backoff(p.attempts()));
        if (next.isAfter(p.expires())) {
            next = p.expires(); // expire on time: the sender hears at max-age, not later
        }
        log.info("retry at {} for {} recipient(s)", next, s.waiting().size());
        await(p.nextAttemptAt(next));
    }

    private Duration backoff(int attempts) {
        Duration d = config.retryInitial();
        for (int i = 0; i < attempts && d.compareTo(config.retryMax()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
    }

    /**
     * Stops: nothing queued is started any more (it stays in the spool for the next start), the
     * attempts under way get {@code delivery.shutdown-grace} to finish and record their result, and
     * a result the spool could not take before is tried once more (what still fails is logged as
     * ERROR: the spool then says what the result would have changed). No thread is interrupted: an
     * interrupt would break a spool write under way (a FileChannel closes on interrupt). An attempt
     * still running after the grace is left to finish or to end with the process; its message is
     * still spooled.
     */
    @Override
    public void close() {
        running = false;
        List<Pending> left = new ArrayList<>();
        synchronized (waiting) {
            left.addAll(waiting);
            due.drainTo(left);
            waiting.clear();
        }
        log.info("delivery stopping: {} queued message(s) stay in the spool", left.size());
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        left.stream()
                .filter(p -> p.unrecorded().isPresent())
                .forEach(p -> recordBeforeStopping(p, deadline));
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (threads.stream().anyMatch(Thread::isAlive)) {
            log.warn(
                    "deliveries still under way after {}: their messages stay in the spool",
                    Keywords.duration(config.shutdownGrace()));
        }
        nextHop.close();
    }

    /** One more try at a result only this process knows, while the grace lasts. */
    private void recordBeforeStopping(Pending p, long deadline) {
        MDC.put("queueId", p.id());
        try {
            Settlement s = p.unrecorded().orElseThrow();
            Optional<Settlement> rest =
                    deadline - System.nanoTime() > 0 ? tryRecord(p, s) : Optional.of(s);
            rest.ifPresent(r -> SettlementWriter.reportUnrecorded(p.id(), r));
        } finally {
            MDC.remove("queueId");
        }
    }

    /** Re-queues what a previous run left in the spool. */
    public void recover(List<SpooledMessage> messages) {
        new ArrayList<>(messages).forEach(this::submit);
    }
}
