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
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;
import org.subethamail.smtp.server.SessionHandler.SessionAcceptance;

/**
 * An SMTP next hop on loopback that keeps every message exactly as received (envelope and raw
 * bytes), optionally as {@code NNN.eml} files — the "customer's mail server" of the demo and the
 * tests. {@link #failNext} injects a reply at a given verb, {@link #dropNext} a lost connection,
 * {@link #holdNext} a hop that stops answering until released.
 */
public final class CaptureSink implements AutoCloseable {
    public enum Verb {
        MAIL,
        RCPT,
        DATA
    }

    /**
     * One message as it arrived; {@code overTls}: the sender had started TLS on that connection.
     */
    public record CapturedMessage(
            String envelopeFrom, List<String> recipients, byte[] content, boolean overTls) {
        public String text() {
            return new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private final SMTPServer server;
    private final Optional<Path> directory;
    private final List<CapturedMessage> messages = new ArrayList<>();
    private final SinkFaults faults = new SinkFaults();
    private int sessionsOpened;
    private int sessionsOpen;

    public CaptureSink(Optional<Path> directory) {
        this(directory, Optional.empty());
    }

    /**
     * @param tls when present, STARTTLS is offered with this server identity
     */
    public CaptureSink(Optional<Path> directory, Optional<javax.net.ssl.SSLContext> tls) {
        this(directory, tls, Duration.ofMinutes(5));
    }

    /**
     * @param idleTimeout an idle connection is closed (421) after this long, as a real MTA does
     */
    public CaptureSink(
            Optional<Path> directory,
            Optional<javax.net.ssl.SSLContext> tls,
            Duration idleTimeout) {
        this(directory, tls, idleTimeout, InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * A sink on {@code address:port}, e.g. a second MX host on 127.0.0.2 at the port of the first.
     */
    public CaptureSink(InetAddress address, int port, Optional<javax.net.ssl.SSLContext> tls) {
        this(Optional.empty(), tls, Duration.ofMinutes(5), address, port);
    }

    private CaptureSink(
            Optional<Path> directory,
            Optional<javax.net.ssl.SSLContext> tls,
            Duration idleTimeout,
            InetAddress address,
            int port) {
        this.directory = directory;
        SMTPServer.Builder b =
                SMTPServer.port(port)
                        .bindAddress(address)
                        .hostName("sink.demo.invalid")
                        .insertReceivedHeaders(false)
                        .messageHandlerFactory(Transaction::new)
                        .connectionTimeoutMs((int) idleTimeout.toMillis())
                        .sessionHandler(new SessionCount());
        tls.ifPresent(context -> b.enableTLS().startTlsSocketFactory(context));
        this.server = b.build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    /**
     * The next transaction answers {@code code text} at {@code verb} (once). A 421 also closes the
     * connection, as a real server does (RFC 5321 §3.8).
     */
    public void failNext(Verb verb, int code, String text) {
        faults.failNext(verb, code, text);
    }

    /**
     * The next transaction loses its connection at {@code verb}, with no reply. At DATA the whole
     * message is read first: the sender has sent the final dot and waits in vain, the case where it
     * cannot know whether the message was taken.
     */
    public void dropNext(Verb verb) {
        faults.dropNext(verb);
    }

    /** Every RCPT for {@code address} answers {@code code text} until {@link #acceptRecipient}. */
    public void refuseRecipient(String address, int code, String text) {
        faults.refuseRecipient(address, code, text);
    }

    public void acceptRecipient(String address) {
        faults.acceptRecipient(address);
    }

    /**
     * The next transaction stops at {@code verb} — at DATA after the final dot, before any reply —
     * until {@link TransactionHold#release}; then it goes on (with any fault set for that verb).
     */
    public TransactionHold holdNext(Verb verb) {
        return faults.holdNext(verb);
    }

    /** Connections accepted so far. */
    public synchronized int sessionsOpened() {
        return sessionsOpened;
    }

    /** Connections open now (accepted and not yet ended). */
    public synchronized int sessionsOpen() {
        return sessionsOpen;
    }

    /**
     * Waits until at most {@code n} connections are open (the sender closed the rest); false on
     * timeout.
     */
    public synchronized boolean awaitSessionsOpen(int n, Duration timeout)
            throws InterruptedException {
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
            Files.write(
                    directory.get().resolve(String.format("%03d.eml", messages.size())),
                    m.content());
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

        @Override
        public void from(String address) throws RejectException {
            faults.at(Verb.MAIL, context);
            from = address;
        }

        @Override
        public void recipient(String address) throws RejectException {
            faults.at(Verb.RCPT, context);
            faults.checkRecipient(address);
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] content =
                    data.readAllBytes(); // read to the end before any reply: see DataCommand
            faults.at(Verb.DATA, context);
            add(
                    new CapturedMessage(
                            from,
                            List.copyOf(recipients),
                            content,
                            ((Session) context).isTLSStarted()));
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
