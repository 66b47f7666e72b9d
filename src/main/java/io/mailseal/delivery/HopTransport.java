package io.mailseal.delivery;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTP client for one connection, knowing whether the final "." of DATA went out in the
 * current transaction: from then on the hop may have taken the message even if no reply comes, and
 * sending it to another host could deliver it twice (RFC 1047). The "." is where the hop takes the
 * message, so it is never sent once the message has expired: the connection is dropped instead, and
 * the hop discards what it got (RFC 5321 §4.1.1.4).
 *
 * <p>Angus's timeouts are per read and per write, so a hop that answers one byte just within each
 * could hold a delivery thread for hours. Connecting and each transaction therefore also have a
 * total limit: when it passes, the connection's socket is closed from a timer thread, which ends
 * the blocked read or write at once.
 */
final class HopTransport extends SMTPTransport {
    private final boolean reusable;
    private volatile boolean endOfDataSent;
    private volatile boolean encrypted;
    private volatile Instant expires = Instant.MAX;
    private volatile Clock clock = Clock.systemUTC();

    /**
     * Thrown instead of sending the final "." of an expired message; Angus then drops the
     * connection.
     */
    static final class ExpiredBeforeEndOfData extends IOException {
        private static final long serialVersionUID = 1L;

        ExpiredBeforeEndOfData(Instant expires) {
            super(
                    "expired at "
                            + expires
                            + " before the end of DATA: the final \".\" was not sent");
        }
    }

    /**
     * No attempt lasts longer, whatever the message's lifetime (Postfix: smtp_data_done_timeout).
     */
    static final Duration ATTEMPT_LIMIT = Duration.ofMinutes(10);

    private static final ScheduledExecutorService CUTTER =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "next-hop-deadline");
                        t.setDaemon(true);
                        return t;
                    });

    /** The transport connecting on this thread, told of the socket {@link NoDelaySockets} makes. */
    private static final ThreadLocal<HopTransport> CONNECTING = new ThreadLocal<>();

    private volatile Socket socket;
    private volatile SSLSocket secured;
    private volatile boolean cut;

    /** An exchange with the hop that may fail. */
    @FunctionalInterface
    private interface Exchange {
        void run() throws MessagingException;
    }

    private HopTransport(Session session, boolean reusable) {
        super(
                session,
                new URLName("smtp", null, -1, null, null, null)); // host and port from the session
        this.reusable = reusable;
    }

    /**
     * @param reusable may be kept for later messages (made with the hop's usual settings)
     */
    static HopTransport connect(Session session, boolean reusable) throws MessagingException {
        return connect(session, reusable, ATTEMPT_LIMIT);
    }

    /**
     * @param limit connecting (greeting, EHLO, STARTTLS) takes no longer in all
     */
    static HopTransport connect(Session session, boolean reusable, Duration limit)
            throws MessagingException {
        HopTransport t = new HopTransport(session, reusable);
        CONNECTING.set(t);
        try {
            t.within(limit, t::connect);
        } finally {
            CONNECTING.remove();
        }
        t.encrypted = t.isSSL(); // closing resets it: remembered for the report
        return t;
    }

    /** Called for each socket made on this thread: the connecting transport's, if any. */
    static void opened(Socket s) {
        HopTransport t = CONNECTING.get();
        if (t != null) {
            t.socket = s;
            if (t.cut) {
                t.dropSocket();
            }
        }
    }

    /** Called with the TLS socket STARTTLS layered on this thread's connection. */
    static void secured(SSLSocket s) {
        HopTransport t = CONNECTING.get();
        if (t != null) {
            t.secured = s;
        }
    }

    /** The TLS protocol and cipher suite of this connection, "none" without STARTTLS. */
    String tls() {
        SSLSocket s = secured;
        if (s == null) {
            return "none";
        }
        SSLSession session = s.getSession();
        return session.getProtocol() + " " + session.getCipherSuite();
    }

    boolean reusable() {
        return reusable;
    }

    /** The connection was TLS (STARTTLS completed), even after it was closed. */
    boolean encrypted() {
        return encrypted;
    }

    boolean endOfDataSent() {
        return endOfDataSent;
    }

    /**
     * One transaction, over at {@code end} at the latest; the final "." only if {@code clock} is
     * still before {@code expires}.
     */
    synchronized void send(
            Message message, Address[] addresses, Instant expires, Instant end, Clock clock)
            throws MessagingException {
        this.expires = expires;
        this.clock = clock;
        within(Duration.between(clock.instant(), end), () -> sendMessage(message, addresses));
    }

    /** Runs {@code exchange}, dropping the connection if it has not ended within {@code limit}. */
    private void within(Duration limit, Exchange exchange) throws MessagingException {
        cut = false;
        ScheduledFuture<?> timer =
                CUTTER.schedule(
                        () -> {
                            cut = true;
                            dropSocket();
                        },
                        Math.max(1, limit.toMillis()),
                        TimeUnit.MILLISECONDS);
        try {
            exchange.run();
        } catch (MessagingException e) {
            if (cut) {
                throw new MessagingException(
                        "no complete exchange within "
                                + limit.toMillis()
                                + " ms (the attempt's total limit): connection dropped",
                        e);
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    private void dropSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all that was wanted
            }
        }
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses)
            throws MessagingException {
        endOfDataSent = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        if (!clock.instant().isBefore(expires)) {
            throw new ExpiredBeforeEndOfData(expires);
        }
        endOfDataSent = true;
        super.finishData();
    }

    void closeQuietly() {
        try {
            close();
        } catch (MessagingException e) {
            // the connection is gone either way
        }
    }
}
