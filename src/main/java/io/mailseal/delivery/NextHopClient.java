package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * Sends to a next hop with Angus Mail's SMTP transport, bytes unchanged (the sealed
 * message must arrive exactly as signed). Results are per recipient: with
 * {@code sendpartial} the message goes to the recipients the hop accepted and each refused
 * one keeps its own reply. Connections are kept open per host and reused (Angus checks
 * them with NOOP and resets with RSET after a failure), at most {@code maxIdle} per host.
 */
public final class NextHopClient implements AutoCloseable {
    private final DeliveryConfig config;
    private final String heloName;
    private final OutboundTls tls;
    private final int maxIdle;
    private final Map<NextHop, Session> sessions = new ConcurrentHashMap<>();
    private final Map<NextHop, BlockingQueue<Transport>> idle = new ConcurrentHashMap<>();

    public NextHopClient(DeliveryConfig config, String heloName, OutboundTls tls) {
        this.config = config;
        this.heloName = heloName;
        this.tls = tls;
        this.maxIdle = config.connections();
    }

    Properties properties(NextHop hop) {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", hop.address());
        p.put("mail.smtp.port", Integer.toString(hop.port()));
        p.put("mail.smtp.localhost", heloName);
        p.put("mail.smtp.sendpartial", "true");
        String timeout = Long.toString(config.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        TlsLevel level = tls.level();
        if (level.compareTo(TlsLevel.MAY) >= 0) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.ssl.protocols", OutboundTls.PROTOCOLS);
            p.put("mail.smtp.ssl.socketFactory", tls.socketFactoryFor(hop.name()));
            p.put("mail.smtp.ssl.checkserveridentity", Boolean.toString(level == TlsLevel.VERIFY));
        }
        if (level.compareTo(TlsLevel.ENCRYPT) >= 0) {
            p.put("mail.smtp.starttls.required", "true");
        }
        return p;
    }

    /** One SMTP transaction; the result for every recipient of {@code message}. */
    public Map<String, DeliveryResult> deliver(NextHop hop, OutboundMessage message) {
        List<String> recipients = message.recipients();
        try {
            Session session = sessions.computeIfAbsent(hop, h -> Session.getInstance(properties(h)));
            SMTPMessage mime = new SMTPMessage(session, new ByteArrayInputStream(message.content()));
            mime.setEnvelopeFrom(message.envelopeFrom().isEmpty() ? "<>" : message.envelopeFrom());
            InternetAddress[] to = new InternetAddress[recipients.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i), false);
            }
            Transport transport = connection(hop, session);
            try {
                transport.sendMessage(mime, to);
            } catch (MessagingException | RuntimeException e) {
                closeQuietly(transport); // state after a failure is unknown: never reuse it
                throw e;
            }
            if (!idle.computeIfAbsent(hop, h -> new ArrayBlockingQueue<>(maxIdle)).offer(transport)) {
                closeQuietly(transport);
            }
            Map<String, DeliveryResult> out = new LinkedHashMap<>();
            recipients.forEach(r -> out.put(r, new DeliveryResult.Delivered("accepted by " + hop)));
            return out;
        } catch (AddressException e) {
            Map<String, DeliveryResult> out = new LinkedHashMap<>();
            recipients.forEach(r -> out.put(r, new DeliveryResult.Failed(553, "5.1.3 bad address: " + e.getRef())));
            return out;
        } catch (MessagingException | RuntimeException e) {
            return FailureClassifier.classify(e, recipients);
        }
    }

    /** An idle connection to {@code hop} that is still open, else a new one. */
    private Transport connection(NextHop hop, Session session) throws MessagingException {
        BlockingQueue<Transport> q = idle.get(hop);
        Transport t;
        while (q != null && (t = q.poll()) != null) {
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
        for (BlockingQueue<Transport> q : idle.values()) {
            Transport t;
            while ((t = q.poll()) != null) {
                closeQuietly(t);
            }
        }
    }
}
