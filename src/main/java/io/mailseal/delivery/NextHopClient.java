package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.text.PeerText;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to a next hop with Angus Mail's SMTP transport, bytes unchanged (the sealed message must
 * arrive exactly as signed). Results are per recipient: with {@code sendpartial} the message goes
 * to the recipients the hop accepted, each refused one keeps its own reply, and an address that
 * cannot be parsed fails alone. Connections are kept open per host and TLS level ({@link
 * KeptConnections}); one that failed is closed, never reused. No read or connect waits longer than
 * the message has left to live, and no attempt in all (connect and transaction) longer than that or
 * {@link HopTransport#ATTEMPT_LIMIT}, whichever is sooner.
 */
public final class NextHopClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NextHopClient.class);
    private final DeliveryConfig config;
    private final String heloName;
    private final OutboundTls tls;
    private final TlsLevels levels;
    private final Map<HopAtLevel, Session> sessions = new ConcurrentHashMap<>();

    /** Parses the message bytes; what to send them with is per hop. */
    private final Session mime = Session.getInstance(new Properties());

    private final KeptConnections kept;
    private final Clock clock;
    private final DaneLookup dane;
    private final DeliveryOutcomes outcomes;

    /**
     * @param dns for {@code tls = dane}: the TLSA records of MX hosts
     * @param outcomes told the TLS of each accepted transaction
     */
    public NextHopClient(
            DeliveryConfig config,
            String heloName,
            OutboundTls tls,
            TlsLevels levels,
            ValidatingDns dns,
            DeliveryOutcomes outcomes,
            Clock clock) {
        this.dane = new DaneLookup(dns);
        this.outcomes = outcomes;
        this.config = config;
        this.heloName = heloName;
        this.tls = tls;
        this.levels = levels;
        this.clock = clock;
        this.kept = new KeptConnections(config.connections(), clock);
    }

    private Properties properties(HopAtLevel link, Duration timeout, boolean startTls) {
        NextHop hop = link.hop();
        TlsLevel level = link.level();
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", hop.address());
        p.put("mail.smtp.port", Integer.toString(hop.port()));
        p.put("mail.smtp.localhost", heloName);
        p.put("mail.smtp.sendpartial", "true");
        p.put(
                "mail.smtp.quitwait",
                "false"); // closing a kept connection never waits for the hop's goodbye
        p.put("mail.smtp.socketFactory", NoDelaySockets.INSTANCE);
        String millis =
                Long.toString(Math.max(1, timeout.toMillis())); // 0 would be "wait for ever"
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        if (startTls && level.compareTo(TlsLevel.MAY) >= 0) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.ssl.protocols", OutboundTls.PROTOCOLS);
            p.put(
                    "mail.smtp.ssl.socketFactory",
                    level == TlsLevel.DANE
                            ? tls.daneSocketFactory(link.tlsa(), hop.name(), clock)
                            : tls.socketFactoryFor(level, hop.name()));
            p.put("mail.smtp.ssl.checkserveridentity", Boolean.toString(level == TlsLevel.VERIFY));
        }
        if (level.compareTo(TlsLevel.ENCRYPT) >= 0) {
            p.put("mail.smtp.starttls.required", "true");
        }
        return p;
    }

    /**
     * One SMTP transaction with {@code hop}, at the TLS level {@code spooled} needs; the result for
     * every recipient of {@code message}.
     *
     * @param lifetime how long the message has left before it expires: no wait is longer, and the
     *     final "." of DATA is not sent after it
     */
    public HopOutcome deliver(
            NextHop hop, OutboundMessage message, SpooledMessage spooled, Duration lifetime) {
        Instant now = clock.instant();
        Deadlines by =
                new Deadlines(
                        now.plus(lifetime), now.plus(min(lifetime, HopTransport.ATTEMPT_LIMIT)));
        Map<String, DeliveryResult> out = new LinkedHashMap<>();
        List<String> sendable = new ArrayList<>();
        List<InternetAddress> to = new ArrayList<>();
        for (String r : message.recipients()) {
            try {
                to.add(new InternetAddress(r, false));
                sendable.add(r);
            } catch (AddressException e) {
                out.put(
                        r,
                        new DeliveryResult.Failed(
                                553,
                                "5.1.3 bad recipient address syntax: " + e.getMessage(),
                                DeliveryResult.Source.RELAY));
            }
        }
        if (sendable.isEmpty()) {
            return new HopOutcome(out, false);
        }
        DaneLookup.Plan plan = link(hop, levels.forMessage(spooled));
        if (plan instanceof DaneLookup.Plan.Defer d) {
            // this host is not used now; the next MX may be
            sendable.forEach(r -> out.put(r, new DeliveryResult.Deferred(d.reason())));
            return new HopOutcome(out, false);
        }
        HopAtLevel link =
                plan instanceof DaneLookup.Plan.Authenticate a
                        ? new HopAtLevel(hop, TlsLevel.DANE, a.records())
                        : new HopAtLevel(hop, ((DaneLookup.Plan.Level) plan).level());
        HopTransport transport = null;
        try {
            SMTPMessage content =
                    new SMTPMessage(mime, new ByteArrayInputStream(message.content()));
            content.setEnvelopeFrom(
                    message.envelopeFrom().isEmpty() ? "<>" : message.envelopeFrom());
            InternetAddress[] rcpts = to.toArray(InternetAddress[]::new);
            boolean fullTimeout = lifetime.compareTo(config.timeout()) >= 0;
            transport = fullTimeout ? kept.take(link) : null;
            if (transport == null || !sentOnKept(link, transport, content, rcpts, by)) {
                transport = open(link, fullTimeout ? config.timeout() : lifetime, by.end());
                send(link, transport, content, rcpts, by);
            }
            String tlsResult = tlsResult(link, transport);
            outcomes.tls(tlsResult);
            DeliveryResult.Delivered taken =
                    new DeliveryResult.Delivered(
                            PeerText.escape(
                                    String.valueOf(transport.getLastServerResponse()).strip()),
                            hop.toString(),
                            "none".equals(tlsResult)
                                    ? tlsResult
                                    : tlsResult + " " + transport.tls());
            sendable.forEach(r -> out.put(r, taken));
        } catch (MessagingException | RuntimeException e) {
            boolean expired = e.getCause() instanceof HopTransport.ExpiredBeforeEndOfData;
            out.putAll(
                    expired
                            ? MessageDelivery.all(sendable, new DeliveryResult.Expired())
                            : FailureClassifier.classify(e, sendable, hop.name()));
        }
        return new HopOutcome(out, transport != null && transport.endOfDataSent());
    }

    /** What the transaction that went through had: DANE, a verified chain, TLS, or nothing. */
    private static String tlsResult(HopAtLevel link, HopTransport transport) {
        if (!transport.encrypted()) {
            return "none";
        }
        return switch (link.level()) {
            case DANE -> "dane-verified";
            case VERIFY ->
                    link.hop().sts().filter(p -> p.mode() == StsPolicy.Mode.ENFORCE).isPresent()
                            ? "sts-verified"
                            : "verified";
            default -> "encrypted-unverified";
        };
    }

    /**
     * {@code level} for {@code hop}; for {@code dane}, what its TLSA records make of it; then what
     * its domain's MTA-STS policy makes of that ({@link StsCheck}).
     */
    private DaneLookup.Plan link(NextHop hop, TlsLevel level) {
        return StsCheck.apply(
                hop,
                level == TlsLevel.DANE
                        ? dane.plan(hop, levels.withoutDane())
                        : new DaneLookup.Plan.Level(level));
    }

    /**
     * False when the hop had closed the kept connection meanwhile and nothing was sent: use a new
     * one.
     */
    private boolean sentOnKept(
            HopAtLevel link,
            HopTransport transport,
            SMTPMessage content,
            InternetAddress[] to,
            Deadlines by)
            throws MessagingException {
        try {
            send(link, transport, content, to, by);
            return true;
        } catch (MessagingException e) {
            if (!FailureClassifier.nothingWasSent(e)) {
                throw e;
            }
            return false;
        }
    }

    private void send(
            HopAtLevel link,
            HopTransport transport,
            SMTPMessage content,
            InternetAddress[] to,
            Deadlines by)
            throws MessagingException {
        try {
            transport.send(content, to, by.expires(), by.end(), clock);
        } catch (MessagingException | RuntimeException e) {
            transport.closeQuietly(); // state after a failure is unknown: never reuse it
            throw e;
        }
        kept.keep(link, transport);
    }

    /**
     * A new connection. At level {@code may} a failed TLS handshake is followed by one more
     * connection without STARTTLS, as Postfix does: {@code may} never promised encryption, and the
     * hop offering a STARTTLS it cannot complete must not stop the mail. {@code encrypt} and {@code
     * verify} never fall back; the mail waits instead.
     */
    private HopTransport open(HopAtLevel link, Duration timeout, Instant end)
            throws MessagingException {
        Duration limit = Duration.between(clock.instant(), end);
        // a DANE connection is checked against the TLSA records of now: never kept for later
        boolean usual = timeout.equals(config.timeout()) && link.level() != TlsLevel.DANE;
        Session session =
                usual
                        ? sessions.computeIfAbsent(
                                link, l -> Session.getInstance(properties(l, timeout, true)))
                        : Session.getInstance(properties(link, timeout, true));
        try {
            return HopTransport.connect(session, usual, limit);
        } catch (MessagingException e) {
            if (link.level() != TlsLevel.MAY || !FailureClassifier.tlsHandshakeFailed(e)) {
                throw e;
            }
            log.warn(
                    "STARTTLS with {} failed ({}): sending without TLS, as TLS level may allows",
                    link.hop(),
                    FailureClassifier.describeWithCause(e));
            return HopTransport.connect(
                    Session.getInstance(properties(link, timeout, false)),
                    false,
                    Duration.between(clock.instant(), end));
        }
    }

    /**
     * When the message expires (no final "." after it), and when this attempt ends at the latest:
     * the expiry, or {@link HopTransport#ATTEMPT_LIMIT} from its start if sooner.
     */
    private record Deadlines(Instant expires, Instant end) {}

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        kept.close();
    }
}
