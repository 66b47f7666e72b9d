package io.mailseal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;
import org.subethamail.smtp.server.SessionHandler.SessionAcceptance;

/**
 * An SMTP next hop on loopback that keeps every message exactly as received (envelope
 * and raw bytes), optionally as {@code NNN.eml} files — the "customer's mail server" of
 * the demo and the tests. {@link #failNext} injects a reply at a given verb, {@link #dropNext}
 * a lost connection, {@link #holdNext} a hop that stops answering until released.
 */
public final class CaptureSink implements AutoCloseable {
    public enum Verb { MAIL, RCPT, DATA }

    /** One message as it arrived; {@code overTls}: the sender had started TLS on that connection. */
    public record CapturedMessage(String envelopeFrom, List<String> recipients, byte[] content, boolean overTls) {
        public String text() {
            return new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** What the next transaction does at one verb instead of accepting. */
    private sealed interface Fault {
        Verb verb();
    }

    private record Reply(Verb verb, int code, String text) implements Fault {
    }

    private record Drop(Verb verb) implements Fault {
    }

    private final SMTPServer server;
    private final Optional<Path> directory;
    private final List<CapturedMessage> messages = new ArrayList<>();
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final java.util.Map<String, Reply> refusedRecipients = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<Hold> hold = new AtomicReference<>();
    private int sessionsOpened;
    private int sessionsOpen;

    public CaptureSink(Optional<Path> directory) {
        this(directory, Optional.empty());
    }

    /** @param tls when present, STARTTLS is offered with this server identity */
    public CaptureSink(Optional<Path> directory, Optional<javax.net.ssl.SSLContext> tls) {
        this(directory, tls, Duration.ofMinutes(5));
    }

    /** @param idleTimeout an idle connection is closed (421) after this long, as a real MTA does */
    public CaptureSink(Optional<Path> directory, Optional<javax.net.ssl.SSLContext> tls, Duration idleTimeout) {
        this(directory, tls, idleTimeout, InetAddress.getLoopbackAddress(), 0);
    }

    /** A sink on {@code address:port}, e.g. a second MX host on 127.0.0.2 at the port of the first. */
    public CaptureSink(InetAddress address, int port, Optional<javax.net.ssl.SSLContext> tls) {
        this(Optional.empty(), tls, Duration.ofMinutes(5), address, port);
    }

    private CaptureSink(Optional<Path> directory, Optional<javax.net.ssl.SSLContext> tls, Duration idleTimeout,
                        InetAddress address, int port) {
        this.directory = directory;
        SMTPServer.Builder b = SMTPServer.port(port).bindAddress(address)
                .hostName("sink.demo.invalid").insertReceivedHeaders(false).messageHandlerFactory(Transaction::new)
                .connectionTimeoutMs((int) idleTimeout.toMillis()).sessionHandler(new SessionCount());
        tls.ifPresent(context -> b.enableTLS().startTlsSocketFactory(context));
        this.server = b.build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    /**
     * The next transaction answers {@code code text} at {@code verb} (once). A 421 also
     * closes the connection, as a real server does (RFC 5321 §3.8).
     */
    public void failNext(Verb verb, int code, String text) {
        fault.set(new Reply(verb, code, text));
    }

    /**
     * The next transaction loses its connection at {@code verb}, with no reply. At DATA the
     * whole message is read first: the sender has sent the final dot and waits in vain,
     * the case where it cannot know whether the message was taken.
     */
    public void dropNext(Verb verb) {
        fault.set(new Drop(verb));
    }

    /** Every RCPT for {@code address} answers {@code code text} until {@link #acceptRecipient}. */
    public void refuseRecipient(String address, int code, String text) {
        refusedRecipients.put(address, new Reply(Verb.RCPT, code, text));
    }

    public void acceptRecipient(String address) {
        refusedRecipients.remove(address);
    }

    /**
     * The next transaction stops at {@code verb} — at DATA after the final dot, before any
     * reply — until {@link Hold#release}; then it goes on (with any fault set for that verb).
     */
    public Hold holdNext(Verb verb) {
        Hold h = new Hold(verb);
        hold.set(h);
        return h;
    }

    /** A transaction stopped by {@link #holdNext}. */
    public static final class Hold {
        private final Verb verb;
        private final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        private Hold(Verb verb) {
            this.verb = verb;
        }

        /** True once a transaction stands at the held verb. */
        public boolean awaitReached(Duration timeout) throws InterruptedException {
            return reached.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        public void release() {
            released.countDown();
        }

        private void block() throws InterruptedException {
            reached.countDown();
            released.await(1, java.util.concurrent.TimeUnit.MINUTES); // never keeps a test's sink alive for long
        }
    }

    /** Connections accepted so far. */
    public synchronized int sessionsOpened() {
        return sessionsOpened;
    }

    /** Connections open now (accepted and not yet ended). */
    public synchronized int sessionsOpen() {
        return sessionsOpen;
    }

    /** Waits until at most {@code n} connections are open (the sender closed the rest); false on timeout. */
    public synchronized boolean awaitSessionsOpen(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sessionsOpen > n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private final class SessionCount implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            synchronized (CaptureSink.this) {
                sessionsOpened++;
                sessionsOpen++;
            }
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
            synchronized (CaptureSink.this) {
                sessionsOpen--;
                CaptureSink.this.notifyAll();
            }
        }
    }

    public synchronized List<CapturedMessage> messages() {
        return List.copyOf(messages);
    }

    /** Waits until at least {@code n} messages arrived; false on timeout. */
    public synchronized boolean awaitMessages(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private synchronized void add(CapturedMessage m) throws IOException {
        messages.add(m);
        if (directory.isPresent()) {
            Files.createDirectories(directory.get());
            Files.write(directory.get().resolve(String.format("%03d.eml", messages.size())), m.content());
        }
        notifyAll();
    }

    private final class Transaction implements MessageHandler {
        private final MessageContext context;
        private String from;
        private final List<String> recipients = new ArrayList<>();

        Transaction(MessageContext context) {
            this.context = context;
        }

        private void maybeFail(Verb verb) throws RejectException {
            Hold h = hold.get();
            if (h != null && h.verb == verb && hold.compareAndSet(h, null)) {
                try {
                    h.block();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Fault f = fault.get();
            if (f == null || f.verb() != verb || !fault.compareAndSet(f, null)) {
                return;
            }
            if (f instanceof Reply r) {
                throw r.code() == 421 ? new DropConnectionException(r.code(), r.text())
                        : new RejectException(r.code(), r.text());
            }
            // The handler API cannot close without a reply; the context SubEthaSMTP passes is
            // the Session, which can. The reply it then tries to send goes nowhere.
            try {
                ((Session) context).closeSocket();
            } catch (IOException e) {
                // closing failed: the exception below still ends the session
            }
            throw new DropConnectionException();
        }

        @Override
        public void from(String address) throws RejectException {
            maybeFail(Verb.MAIL);
            from = address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            maybeFail(Verb.RCPT);
            Reply refused = refusedRecipients.get(address);
            if (refused != null) {
                throw new RejectException(refused.code(), refused.text());
            }
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] content = data.readAllBytes(); // read to the end before any reply: see DataCommand
            maybeFail(Verb.DATA);
            add(new CapturedMessage(from, List.copyOf(recipients), content, ((Session) context).isTLSStarted()));
            return null;
        }

        @Override
        public void done() {
            // nothing to release
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
