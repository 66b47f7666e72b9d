package io.mailseal.delivery;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTP client for one connection, knowing whether the final "." of DATA went out in the
 * current transaction: from then on the hop may have taken the message even if no reply comes, and
 * sending it to another host could deliver it twice (RFC 1047). The "." is where the hop takes the
 * message, so it is never sent once the message has expired: the connection is dropped instead, and
 * the hop discards what it got (RFC 5321 §4.1.1.4).
 */
final class HopTransport extends SMTPTransport {
    private final boolean reusable;
    private volatile boolean endOfDataSent;
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
        HopTransport t = new HopTransport(session, reusable);
        t.connect();
        return t;
    }

    boolean reusable() {
        return reusable;
    }

    boolean endOfDataSent() {
        return endOfDataSent;
    }

    /** One transaction; the final "." only if {@code clock} is still before {@code expires}. */
    synchronized void send(Message message, Address[] addresses, Instant expires, Clock clock)
            throws MessagingException {
        this.expires = expires;
        this.clock = clock;
        sendMessage(message, addresses);
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
