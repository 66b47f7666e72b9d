package io.mailseal.delivery;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTP client for one connection, knowing whether the final "." of DATA went out in
 * the current transaction: from then on the hop may have taken the message even if no reply
 * comes, and sending it to another host could deliver it twice (RFC 1047).
 */
final class HopTransport extends SMTPTransport {
    private final boolean reusable;
    private volatile boolean endOfDataSent;

    private HopTransport(Session session, boolean reusable) {
        super(session, new URLName("smtp", null, -1, null, null, null)); // host and port from the session
        this.reusable = reusable;
    }

    /** @param reusable may be kept for later messages (made with the hop's usual settings) */
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

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        endOfDataSent = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
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
