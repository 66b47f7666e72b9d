package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * Sends to {@code delivery.smarthost} with Angus Mail's SMTP transport, bytes unchanged
 * (the sealed message must arrive exactly as signed). All recipients of one call are one
 * transaction: if the next hop refuses any of them nothing is sent and the whole call
 * fails, so a retry cannot duplicate mail to the others. Connections are kept open and
 * reused (checked with NOOP before reuse), at most one per delivery worker.
 */
public final class NextHopClient implements AutoCloseable {
    private final Session session;
    private final java.util.concurrent.BlockingQueue<Transport> idle;

    public NextHopClient(DeliveryConfig config, String heloName, int maxIdle) {
        this.session = Session.getInstance(properties(config, heloName));
        this.idle = new java.util.concurrent.ArrayBlockingQueue<>(maxIdle);
    }

    static Properties properties(DeliveryConfig config, String heloName) {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", config.smarthost().host());
        p.put("mail.smtp.port", Integer.toString(config.smarthost().port()));
        p.put("mail.smtp.localhost", heloName);
        String timeout = Long.toString(config.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        TlsLevel tls = config.tls();
        if (tls.compareTo(TlsLevel.MAY) >= 0) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        }
        if (tls.compareTo(TlsLevel.ENCRYPT) >= 0) {
            p.put("mail.smtp.starttls.required", "true");
        }
        if (tls == TlsLevel.VERIFY) {
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        } else if (tls != TlsLevel.NONE) {
            // opportunistic TLS (RFC 7435): encrypt against passive listeners, accept any certificate
            p.put("mail.smtp.ssl.trust", "*");
        }
        return p;
    }

    public DeliveryResult deliver(OutboundMessage message) {
        try {
            SMTPMessage mime = new SMTPMessage(session, new ByteArrayInputStream(message.content()));
            mime.setEnvelopeFrom(message.envelopeFrom().isEmpty() ? "<>" : message.envelopeFrom());
            InternetAddress[] to = new InternetAddress[message.recipients().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(message.recipients().get(i), false);
            }
            Transport transport = connection();
            try {
                transport.sendMessage(mime, to);
            } catch (MessagingException | RuntimeException e) {
                closeQuietly(transport); // state after a failure is unknown: never reuse it
                throw e;
            }
            if (!idle.offer(transport)) {
                closeQuietly(transport);
            }
            return new DeliveryResult.Delivered("accepted by " + session.getProperty("mail.smtp.host"));
        } catch (AddressException e) {
            return new DeliveryResult.Failed(553, "bad recipient address: " + e.getRef());
        } catch (MessagingException | RuntimeException e) {
            return FailureClassifier.classify(e);
        }
    }

    /** An idle connection that still answers NOOP, else a new one. */
    private Transport connection() throws MessagingException {
        Transport t;
        while ((t = idle.poll()) != null) {
            if (t.isConnected()) {
                return t;
            }
            closeQuietly(t);
        }
        t = session.getTransport("smtp");
        t.connect();
        return t;
    }

    private static void closeQuietly(Transport t) {
        try {
            t.close();
        } catch (MessagingException e) {
            // the connection is gone either way
        }
    }

    @Override
    public void close() {
        Transport t;
        while ((t = idle.poll()) != null) {
            closeQuietly(t);
        }
    }
}
