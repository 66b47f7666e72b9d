package io.mailseal.app;

import static io.mailseal.config.Keywords.kebab;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.HostPort;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.net.HttpDeadline;
import io.mailseal.text.PeerText;
import io.mailseal.tsa.TimestampAuthorityClient;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.tsp.TimeStampToken;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * {@code check-config --probe}: after the validation, are the outside parties reachable? Each
 * {@code timestamp.urls} entry alone gets a real RFC 3161 request whose token is verified against
 * {@code timestamp.trust-anchors} (within {@code timestamp.timeout}); the smarthost gets a
 * greeting, EHLO, STARTTLS at {@code delivery.tls} level {@code encrypt} or {@code verify} (with
 * the relay's own TLS setup) and QUIT, each read and write within {@code delivery.timeout}, all of
 * it within twice that. One line per probe; no secret is ever part of one.
 */
public final class Probes {
    private static final byte[] PROBE_DATA =
            "mailseal check-config --probe".getBytes(StandardCharsets.US_ASCII);

    /** One probe's outcome: the line to print, and whether it failed. */
    public record Result(String line, boolean failed) {}

    private Probes() {}

    /** Every probe in order: the TSAs, then the next hop. */
    public static List<Result> run(ValidatedConfig v) {
        List<Result> results = new ArrayList<>(timestamps(v.timestamps()));
        results.add(nextHop(v.config().delivery(), v.config().smtp().hostname(), v.outboundTls()));
        return results;
    }

    /** A real stamp from each TSA alone (no failover), its token verified. */
    public static List<Result> timestamps(TimestampAuthorityClient tsa) {
        if (tsa.urls().isEmpty()) {
            return List.of(new Result("probe timestamp: skipped (no timestamp.urls)", false));
        }
        List<Result> results = new ArrayList<>();
        for (URI url : tsa.urls()) {
            String shown = HttpDeadline.redact(url);
            String head = "probe timestamp " + shown + ": ";
            long start = System.nanoTime();
            try {
                TimeStampToken token = tsa.alone(url).stamp(PROBE_DATA);
                long ms = (System.nanoTime() - start) / 1_000_000;
                results.add(
                        new Result(
                                head
                                        + "ok (genTime "
                                        + token.getTimeStampInfo().getGenTime().toInstant()
                                        + ", TSA "
                                        + signer(token)
                                        + ", "
                                        + ms
                                        + " ms)",
                                false));
            } catch (TimestampUnavailableException e) {
                String reason = String.valueOf(e.getMessage());
                String prefix = shown + ": ";
                results.add(
                        new Result(
                                head
                                        + "FAILED "
                                        + (reason.startsWith(prefix)
                                                ? reason.substring(prefix.length())
                                                : reason),
                                true));
            }
        }
        return results;
    }

    private static String signer(TimeStampToken token) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> certs =
                token.getCertificates().getMatches(token.getSID());
        return certs.stream()
                .findFirst()
                .map(c -> c.getSubject().toString())
                .orElse("serial " + token.getSID().getSerialNumber() + " (no certificate sent)");
    }

    /**
     * Greeting, EHLO {@code heloName}, STARTTLS when {@code delivery.tls} is {@code encrypt} or
     * {@code verify}, QUIT with the smarthost; in {@code mx} mode the next hop depends on the
     * recipient and nothing is probed.
     */
    public static Result nextHop(DeliveryConfig delivery, String heloName, OutboundTls tls) {
        if (delivery.mode() == DeliveryConfig.Mode.MX) {
            return new Result(
                    "probe next hop: skipped (delivery.mode mx: the next hop depends on the"
                            + " recipient's domain)",
                    false);
        }
        HostPort hop = delivery.smarthost();
        String head = "probe next hop " + hop.host() + ":" + hop.port() + ": ";
        TlsLevel level = delivery.tls();
        boolean startTls = level.compareTo(TlsLevel.ENCRYPT) >= 0;
        ProbeSockets.Capturing sockets =
                startTls
                        ? new ProbeSockets.Capturing(tls.socketFactoryFor(level, hop.host()))
                        : null;
        Properties p = new Properties();
        p.put("mail.smtp.host", hop.host());
        p.put("mail.smtp.port", Integer.toString(hop.port()));
        p.put("mail.smtp.localhost", heloName);
        String millis = Long.toString(Math.max(1, delivery.timeout().toMillis()));
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        p.put("mail.smtp.quitwait", "true");
        ProbeSockets.Watched plain = new ProbeSockets.Watched();
        p.put("mail.smtp.socketFactory", plain);
        if (startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.protocols", OutboundTls.PROTOCOLS);
            p.put("mail.smtp.ssl.socketFactory", sockets);
            p.put("mail.smtp.ssl.checkserveridentity", Boolean.toString(level == TlsLevel.VERIFY));
        }
        ProbeTransport t = new ProbeTransport(Session.getInstance(p));
        // Angus's timeouts are per read and write: the whole probe is cut at twice the timeout
        long limit = 2 * Math.max(1, delivery.timeout().toMillis());
        CompletableFuture<Void> cutter = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(limit, TimeUnit.MILLISECONDS)
                .execute(() -> cutter.complete(null));
        cutter.thenRun(plain::cut);
        try {
            t.connect();
            t.close(); // QUIT, waiting for the reply
            cutter.cancel(false);
            StringBuilder line = new StringBuilder(head).append("ok (").append(t.greeting);
            line.append(", EHLO ")
                    .append(t.offeredStartTls ? "offers STARTTLS" : "does not offer STARTTLS");
            if (startTls && sockets.socket != null) {
                SSLSession s = sockets.socket.getSession();
                line.append(", TLS ")
                        .append(s.getProtocol())
                        .append(' ')
                        .append(s.getCipherSuite());
                line.append(level == TlsLevel.VERIFY ? ", certificate verified" : "");
            } else {
                line.append(", no TLS (delivery.tls ").append(kebab(level)).append(')');
            }
            return new Result(line.append(')').toString(), false);
        } catch (MessagingException | RuntimeException e) {
            try {
                t.close();
            } catch (MessagingException | RuntimeException ignored) {
                // the connection is gone either way
            }
            cutter.cancel(false);
            return new Result(
                    head
                            + "FAILED "
                            + (plain.cut ? "no complete exchange within " + limit + " ms: " : "")
                            + describe(e),
                    true);
        }
    }

    /** The causes of {@code e} in words, outermost first, repeated text left out. */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = e; c != null && parts.size() < 4; c = c.getCause()) {
            String m =
                    (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage())
                            .strip()
                            .replaceAll("\\s+", " ");
            if (parts.stream().noneMatch(x -> x.contains(m))) {
                parts.add(m);
            }
        }
        return PeerText.escape(String.join(": ", parts), PeerText.REPLY_LONGEST);
    }

    /** Angus's transport, remembering the greeting and what the first EHLO offered. */
    private static final class ProbeTransport extends SMTPTransport {
        String greeting = "";
        boolean offeredStartTls;
        private boolean greeted;

        ProbeTransport(Session session) {
            super(session, new URLName("smtp", null, -1, null, null, null));
        }

        @Override
        protected boolean ehlo(String domain) throws MessagingException {
            if (!greeted) {
                greeted = true;
                greeting = String.valueOf(getLastServerResponse()).strip();
                boolean ok = super.ehlo(domain);
                offeredStartTls = supportsExtension("STARTTLS");
                return ok;
            }
            return super.ehlo(domain);
        }
    }
}
