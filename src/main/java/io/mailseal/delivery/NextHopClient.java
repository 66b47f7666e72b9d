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
 * one keeps its own reply. Connections are kept open per host and reused, at most
 * {@code delivery.connections} per host; one that failed is closed, never reused.
 */
public final class NextHopClient implements AutoCloseable {
    private final DeliveryConfig config;
    private final String heloName;
    private final OutboundTls tls;
    private final int maxIdle;
    private final Map<NextHop, Session> sessions = new ConcurrentHashMap<>();
    private final Map<NextHop, BlockingQueue<Idle>> idle = new ConcurrentHashMap<>();
    /** RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for a command; 5 s is well inside. */
    private static final long FRESH_NANOS = 5_000_000_000L;

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
        p.put("mail.smtp.socketFactory", NoDelaySockets.INSTANCE);
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
            Idle reused = idle(hop);
            try {
                send(reused != null ? reused.transport() : connect(session), mime, to, hop);
            } catch (MessagingException e) {
                if (reused == null || !FailureClassifier.nothingWasSent(e)) {
                    throw e;
                }
                // a kept connection the hop had closed meanwhile: once more on a new one
                send(connect(session), mime, to, hop);
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

    private void send(Transport transport, SMTPMessage mime, InternetAddress[] to, NextHop hop)
            throws MessagingException {
        try {
            transport.sendMessage(mime, to);
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(transport); // state after a failure is unknown: never reuse it
            throw e;
        }
        if (!idle.computeIfAbsent(hop, h -> new ArrayBlockingQueue<>(maxIdle)).offer(new Idle(transport,
                System.nanoTime()))) {
            closeQuietly(transport);
        }
    }

    /**
     * A kept connection to {@code hop}: one used in the last few seconds is taken as it is
     * (a NOOP probe before every message would cost a round trip each; if the hop closed it
     * after all, {@link #deliver} retries on a new one); an older one must answer NOOP.
     */
    private Idle idle(NextHop hop) {
        BlockingQueue<Idle> q = idle.get(hop);
        Idle i;
        while (q != null && (i = q.poll()) != null) {
            if (System.nanoTime() - i.since() < FRESH_NANOS || i.transport().isConnected()) {
                return i;
            }
            closeQuietly(i.transport());
        }
        return null;
    }

    private static Transport connect(Session session) throws MessagingException {
        Transport t = session.getTransport("smtp");
        t.connect();
        return t;
    }

    private record Idle(Transport transport, long since) {
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
        for (BlockingQueue<Idle> q : idle.values()) {
            Idle i;
            while ((i = q.poll()) != null) {
                closeQuietly(i.transport());
            }
        }
    }
}
