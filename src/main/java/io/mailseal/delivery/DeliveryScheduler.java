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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
 */
public final class DeliveryScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryScheduler.class);
    private final Spool spool;
    private final Router router;
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

    private record Pending(String id, Instant next, int attempts) {
    }

    /** @param outcomes told (policy, outcome) for delivered, deferred, bounced, expired */
    public DeliveryScheduler(Spool spool, Router router, NextHopClient nextHop, DeliveryConfig config,
                             String hostname, Clock clock, BiConsumer<String, String> outcomes) {
        this.spool = spool;
        this.router = router;
        this.nextHop = nextHop;
        this.config = config;
        this.hostname = hostname;
        this.clock = clock;
        this.outcomes = outcomes;
        this.workers = Executors.newFixedThreadPool(config.connections(), r -> new Thread(r, "delivery"));
        this.dispatcher = new Thread(this::dispatch, "delivery-scheduler");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Queues for an attempt now; the message must already be durably spooled. */
    public void submit(SpooledMessage m) {
        queue.add(new Pending(m.id(), clock.instant(), 0));
    }

    /** Every waiting message becomes due now ({@code mailseal queue flush}); returns how many. */
    public int flush() {
        List<Pending> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        Instant now = clock.instant();
        waiting.forEach(p -> queue.add(new Pending(p.id(), now, p.attempts())));
        return waiting.size();
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
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down: what is left stays in the spool
            }
        }
    }

    private void attempt(Pending p) {
        MDC.put("queueId", p.id());
        try {
            Optional<SpooledMessage> read = spool.readForDelivery(p.id());
            if (read.isEmpty()) {
                log.info("removed from the queue before delivery");
                return;
            }
            SpooledMessage m = read.get();
            if (!clock.instant().isBefore(m.expires())) {
                log.warn("expired rcpts={} policy={}: not delivered within max-age", m.recipients(), m.policy());
                outcomes.accept(m.policy(), "expired");
                bounce(m, m.recipients().stream().map(r -> new Bounce(r, "4.4.7",
                        "not delivered within max-age (policy " + m.policy() + ")")).toList());
                spool.remove(m.id());
                return;
            }
            settle(p, m, deliver(m));
        } catch (IOException | RuntimeException e) {
            log.error("delivery attempt failed; retried later: {}", e.toString());
            queue.add(new Pending(p.id(), clock.instant().plus(backoff(p.attempts())), p.attempts() + 1));
        } finally {
            MDC.remove("queueId");
        }
    }

    /** Every recipient's result: one transaction per destination, trying its hosts in order. */
    private Map<String, DeliveryResult> deliver(SpooledMessage m) {
        Map<String, List<String>> byDestination = new LinkedHashMap<>();
        m.recipients().forEach(r -> byDestination.computeIfAbsent(router.destination(r), d -> new ArrayList<>()).add(r));
        Map<String, DeliveryResult> results = new LinkedHashMap<>();
        byDestination.forEach((destination, recipients) -> {
            Route route = router.route(destination);
            if (route instanceof Route.Unroutable u) {
                recipients.forEach(r -> results.put(r, u.result()));
                return;
            }
            OutboundMessage message = new OutboundMessage(m.envelopeFrom(), recipients, m.content());
            for (NextHop hop : ((Route.Hosts) route).hosts()) {
                Map<String, DeliveryResult> r = nextHop.deliver(hop, message);
                results.putAll(r);
                if (!r.values().stream().allMatch(DeliveryResult.Deferred.class::isInstance)) {
                    break; // this host answered for its recipients; the next MX is for when one cannot
                }
            }
        });
        return results;
    }

    private void settle(Pending p, SpooledMessage m, Map<String, DeliveryResult> results) throws IOException {
        List<String> deferred = new ArrayList<>();
        List<Bounce> failed = new ArrayList<>();
        results.forEach((rcpt, r) -> {
            if (r instanceof DeliveryResult.Delivered d) {
                log.info("delivered rcpt={} policy={} attempts={}: {}", rcpt, m.policy(), p.attempts() + 1, d.reply());
            } else if (r instanceof DeliveryResult.Failed f) {
                Bounce bounce = Bounce.of(rcpt, f);
                log.warn("bounced rcpt={} policy={}: {}", rcpt, m.policy(), bounce.diagnostic());
                failed.add(bounce);
            } else {
                log.info("deferred rcpt={} policy={}: {}", rcpt, m.policy(), ((DeliveryResult.Deferred) r).reason());
                deferred.add(rcpt);
            }
        });
        if (!failed.isEmpty()) {
            bounce(m, failed);
        }
        if (deferred.isEmpty()) {
            spool.remove(m.id());
        } else {
            retryLater(p, m, deferred);
        }
        // reported once the spool says so too
        if (deferred.size() + failed.size() < m.recipients().size()) {
            outcomes.accept(m.policy(), "delivered");
        }
        if (!failed.isEmpty()) {
            outcomes.accept(m.policy(), "bounced");
        }
        if (!deferred.isEmpty()) {
            outcomes.accept(m.policy(), "deferred");
        }
    }

    private void retryLater(Pending p, SpooledMessage m, List<String> deferred) throws IOException {
        // a retry must not repeat the recipients that are done
        if (deferred.size() < m.recipients().size() && !spool.replace(m.withRecipients(deferred))) {
            log.info("removed from the queue during the attempt: no retry");
            return;
        }
        Instant next = clock.instant().plus(backoff(p.attempts()));
        if (next.isAfter(m.expires())) {
            next = m.expires(); // expire on time: the sender hears at max-age, not at the next back-off step
        }
        log.info("retry at {} for {} recipient(s)", next, deferred.size());
        queue.add(new Pending(m.id(), next, p.attempts() + 1));
    }

    private void bounce(SpooledMessage m, List<Bounce> bounces) throws IOException {
        if (m.envelopeFrom().isEmpty()) {
            return; // RFC 5321 §4.5.5: never a bounce to the null sender
        }
        Instant now = clock.instant();
        SpooledMessage dsn = new SpooledMessage(m.id() + ".dsn" + now.toEpochMilli(), "", List.of(m.envelopeFrom()),
                "dsn", now, now.plus(config.maxAge()), DeliveryStatusNotification.build(m, hostname, bounces, now));
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
     * Stops taking new attempts and lets the ones under way finish for up to
     * {@code delivery.shutdown-grace}; what is not delivered stays in the spool for the next start.
     */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("deliveries still under way after {}: left in the spool", config.shutdownGrace());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nextHop.close();
    }

    /** Re-queues what a previous run left in the spool. */
    public void recover(List<SpooledMessage> messages) {
        new ArrayList<>(messages).forEach(this::submit);
    }

    /** One recipient the sender must hear about: RFC 3463 status and the reason. */
    record Bounce(String recipient, String status, String diagnostic) {
        /** RFC 3463 status right after the reply code (RFC 2034 §4), not any x.y.z in the text (an IP address). */
        private static final java.util.regex.Pattern ENHANCED = java.util.regex.Pattern.compile(
                "^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

        /** The next hop's own RFC 3463 code when its reply carries one, else the class of its reply. */
        static Bounce of(String recipient, DeliveryResult.Failed f) {
            String diagnostic = f.reason().startsWith(Integer.toString(f.code())) ? f.reason()
                    : f.code() + " " + f.reason();
            java.util.regex.Matcher m = ENHANCED.matcher(diagnostic);
            boolean sameClass = m.find() && m.group(1).charAt(0) == Integer.toString(f.code()).charAt(0);
            return new Bounce(recipient, sameClass ? m.group(1) : f.code() / 100 + ".0.0", diagnostic);
        }
    }
}
