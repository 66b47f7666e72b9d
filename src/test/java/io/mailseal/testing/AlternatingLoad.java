package io.mailseal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A bank's sending application in front of several relay nodes: {@code sessions} threads, each
 * sending one message per connection ({@link OneMessageSession}), message {@code i} to node {@code
 * i % nodes} (the way a sender alternates over its relayhost list), until {@code limit} messages or
 * {@link #stop()}. Every attempt is recorded with its node, times and reply, for a test to tell
 * what was accepted, refused or in flight.
 */
public final class AlternatingLoad implements AutoCloseable {
    /** A message to send. */
    public record Mail(String id, boolean sealed, String from, String to, String text) {}

    /**
     * One message's attempt: {@code node} is the index in the port list; {@code started} and {@code
     * ended} are System.nanoTime values; {@code code} the reply ({@link OneMessageSession#REFUSED},
     * {@link OneMessageSession#BROKEN} when there was none).
     */
    public record Attempt(Mail mail, int node, long started, long ended, int code) {
        public boolean accepted() {
            return code == 250;
        }
    }

    private final List<Integer> ports;
    private final IntFunction<Mail> mails;
    private final int limit;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Attempt> attempts = new ArrayList<>();
    private final ExecutorService senders;

    private AlternatingLoad(List<Integer> ports, int sessions, int limit, IntFunction<Mail> mails) {
        this.ports = List.copyOf(ports);
        this.mails = mails;
        this.limit = limit;
        this.senders = Executors.newFixedThreadPool(sessions);
        for (int s = 0; s < sessions; s++) {
            senders.execute(this::sendUntilDone);
        }
        senders.shutdown();
    }

    /** Starts sending at once; {@code mails} makes message {@code i}. */
    public static AlternatingLoad start(
            List<Integer> ports, int sessions, int limit, IntFunction<Mail> mails) {
        return new AlternatingLoad(ports, sessions, limit, mails);
    }

    private void sendUntilDone() {
        for (int i = next.getAndIncrement(); i < limit && !stopped.get(); ) {
            Mail mail = mails.apply(i);
            int node = i % ports.size();
            long started = System.nanoTime();
            int code = OneMessageSession.send(ports.get(node), mail.from(), mail.to(), mail.text());
            Attempt a = new Attempt(mail, node, started, System.nanoTime(), code);
            synchronized (attempts) {
                attempts.add(a);
            }
            i = next.getAndIncrement();
        }
    }

    /** Every attempt finished so far, in the order they finished. */
    public List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** How many finished attempts match. */
    public long count(Predicate<Attempt> which) {
        return attempts().stream().filter(which).count();
    }

    /** Waits until every message was attempted; false on timeout (the load goes on). */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return senders.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** No new message is started; returns when the ones under way have their outcome. */
    public void stop() throws InterruptedException {
        stopped.set(true);
        if (!senders.awaitTermination(60, TimeUnit.SECONDS)) {
            senders.shutdownNow();
            throw new IllegalStateException("the senders did not finish within 60 s");
        }
    }

    /** Stops the load (a test that failed half-way leaves no sender behind). */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
