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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers spooled messages in the background: delivered → removed; deferred → retried
 * with exponential back-off ({@code retry.initial} doubling to {@code retry.max});
 * failed → removed with a DSN to the sender; past its {@code expires} (the policy's
 * max-age) → never delivered late, removed with a DSN. No DSN to the null sender {@code <>}.
 * Time comes from the injected clock, so tests move time instead of sleeping.
 */
public final class DeliveryScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);
    private final Spool spool;
    private final NextHopClient nextHop;
    private final DeliveryConfig config;
    private final String hostname;
    private final Clock clock;
    private final BiConsumer<String, String> outcomes;
    private final PriorityBlockingQueue<Pending> queue = new PriorityBlockingQueue<>(64,
            Comparator.comparing(Pending::next));
    private final ExecutorService workers;
    private final Thread dispatcher;
    private volatile boolean running = true;

    private record Pending(SpooledMessage message, Instant next, int attempts) {
    }

    /** @param outcomes told (policy, outcome) for delivered, deferred, bounced, expired */
    public DeliveryScheduler(Spool spool, NextHopClient nextHop, DeliveryConfig config, String hostname, Clock clock,
                             int connections, BiConsumer<String, String> outcomes) {
        this.spool = spool;
        this.nextHop = nextHop;
        this.config = config;
        this.hostname = hostname;
        this.clock = clock;
        this.outcomes = outcomes;
        this.workers = Executors.newFixedThreadPool(connections, r -> new Thread(r, "delivery"));
        this.dispatcher = new Thread(this::dispatch, "delivery-scheduler");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Queues for an attempt now; the message must already be durably spooled. */
    public void submit(SpooledMessage m) {
        queue.add(new Pending(m, clock.instant(), 0));
    }

    private void dispatch() {
        while (running) {
            try {
                Pending p = queue.poll(100, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                if (p.next().isAfter(clock.instant())) {
                    queue.add(p);
                    Thread.sleep(50); // the head is not due: nothing is
                    continue;
                }
                workers.execute(() -> attempt(p));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void attempt(Pending p) {
        SpooledMessage m = p.message();
        MDC.put("queueId", m.id());
        try {
            Instant now = clock.instant();
            if (!now.isBefore(m.expires())) {
                finish(m, "expired", "4.4.7", "not delivered within max-age (policy " + m.policy() + ")");
                return;
            }
            DeliveryResult r = nextHop.deliver(new OutboundMessage(m.envelopeFrom(), m.recipients(), m.content()));
            if (r instanceof DeliveryResult.Delivered) {
                spool.remove(m.id());
                log.info("delivered rcpts={} attempts={}", m.recipients(), p.attempts() + 1);
                outcomes.accept(m.policy(), "delivered");
            } else if (r instanceof DeliveryResult.Failed f) {
                finish(m, "bounced", "5.0.0", f.code() + " " + f.reason());
            } else {
                Duration wait = backoff(p.attempts());
                log.info("deferred rcpts={} retry in {}: {}", m.recipients(), wait, ((DeliveryResult.Deferred) r).reason());
                outcomes.accept(m.policy(), "deferred");
                queue.add(new Pending(m, now.plus(wait), p.attempts() + 1));
            }
        } catch (IOException | RuntimeException e) {
            log.error("delivery attempt failed; retried later: {}", e.toString());
            queue.add(new Pending(m, clock.instant().plus(backoff(p.attempts())), p.attempts() + 1));
        } finally {
            MDC.remove("queueId");
        }
    }

    private void finish(SpooledMessage m, String outcome, String status, String diagnostic) throws IOException {
        log.warn("{} rcpts={}: {}", outcome, m.recipients(), diagnostic);
        outcomes.accept(m.policy(), outcome);
        if (!m.envelopeFrom().isEmpty()) {
            Instant now = clock.instant();
            SpooledMessage dsn = new SpooledMessage(m.id() + ".dsn", "", List.of(m.envelopeFrom()), "dsn", now,
                    now.plus(config.maxAge()), DeliveryStatusNotification.build(m, hostname, status, diagnostic, now));
            spool.write(dsn);
            submit(dsn);
        }
        spool.remove(m.id());
    }

    private Duration backoff(int attempts) {
        Duration d = config.retryInitial();
        for (int i = 0; i < attempts && d.compareTo(config.retryMax()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
    }

    /** Stops taking new attempts; what is not delivered stays in the spool for the next start. */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nextHop.close();
    }

    /** Re-queues what a previous run left in the spool. */
    public void recover(List<SpooledMessage> messages) {
        new ArrayList<>(messages).forEach(this::submit);
    }
}
