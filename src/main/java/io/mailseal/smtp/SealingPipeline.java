package io.mailseal.smtp;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.crypto.HeaderProtection;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureTimestamps;
import io.mailseal.crypto.SigningIdentity;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.delivery.Outbox;
import io.mailseal.spool.SpooledMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import io.mailseal.delivery.OutboundMessage;
import io.mailseal.policy.MessageFacts;
import io.mailseal.smtp.SealingPlan.Group;
import io.mailseal.smtp.SealingPlan.Refusal;
import io.mailseal.smtp.SealingPlan.Treatment;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision at the end of DATA (DESIGN.md "Flow of one message"): policy and
 * certificates give a plan; any refusal stops the whole message before anything leaves;
 * then each group is sealed and handed to the next hop. Fail closed: when protection
 * cannot be applied, nothing is sent.
 */
public final class SealingPipeline {
    private static final Logger log = LoggerFactory.getLogger(SealingPipeline.class);
    private final SealingPlanner planner;
    private final SigningIdentities identities;
    private final MessageSealer sealer;
    private final SignatureTimestamps timestamps;
    private final Outbox outbox;
    private final Duration defaultMaxAge;
    private final Clock clock;
    private final RelayMetrics metrics;
    private final SealableMime sealable;

    SealingPipeline(SealingPlanner planner, SigningIdentities identities, MessageSealer sealer,
                    SignatureTimestamps timestamps, Outbox outbox, Duration defaultMaxAge, Clock clock,
                    RelayMetrics metrics, SealableMime sealable) {
        this.sealable = sealable;
        this.outbox = outbox;
        this.defaultMaxAge = defaultMaxAge;
        this.clock = clock;
        this.metrics = metrics;
        this.planner = planner;
        this.identities = identities;
        this.sealer = sealer;
        this.timestamps = timestamps;
    }

    Verdict process(ReceivedMessage received) {
        MimeMessage mime;
        MessageFacts facts;
        try {
            mime = MimeParsing.parse(received.content());
            facts = MimeParsing.facts(received.envelopeFrom(), mime);
        } catch (MessagingException e) {
            log.warn("refused: not parseable as MIME: {}", e.getMessage());
            return Verdict.Refused.of(SmtpReply.MALFORMED_MESSAGE, e.getMessage());
        }
        SealingPlan plan = planner.plan(facts, received.recipients());
        Optional<Verdict> stop = refusal(plan, received.envelopeFrom());
        if (stop.isPresent()) {
            String outcome = ((Verdict.Refused) stop.get()).reply().code() >= 500 ? "refused" : "deferred";
            if (plan.refusals().isEmpty()) {
                metrics.message("-", outcome);
            }
            plan.refusals().forEach(r -> metrics.message(r.policy().name(), outcome));
            return stop.get();
        }
        if (plan.needsSignature()) {
            Optional<String> malformed = sealable.problem(received.content(), mime);
            if (malformed.isPresent()) {
                log.warn("refused: cannot be sealed as it came: {}", malformed.get());
                metrics.message("-", "refused");
                return Verdict.Refused.of(SmtpReply.MALFORMED_MESSAGE, malformed.get());
            }
        }
        List<OutboundMessage> outbound;
        long sealStart = System.nanoTime();
        try (var timer = metrics.time("seal")) {
            outbound = seal(plan, mime, received.envelopeFrom(), received.content());
        } catch (TimestampUnavailableException e) {
            log.warn("no timestamp authority answered, answered 451: {}", e.getMessage());
            metrics.message("-", "deferred");
            return Verdict.Refused.of(SmtpReply.TIMESTAMP_UNAVAILABLE);
        } catch (MessagingException | IOException e) {
            log.error("sealing failed, answered 451: {}", e.toString());
            metrics.message("-", "deferred");
            return Verdict.Refused.of(SmtpReply.INTERNAL_ERROR);
        }
        // seal before spool: only ciphertext of protected mail reaches the disk
        Instant now = clock.instant();
        List<SpooledMessage> spooled = new ArrayList<>();
        for (int i = 0; i < outbound.size(); i++) {
            OutboundMessage m = outbound.get(i);
            Group g = plan.groups().get(i);
            spooled.add(new SpooledMessage(received.queueId() + "." + i, m.envelopeFrom(), m.recipients(),
                    g.policy().name(), now, now.plus(g.policy().maxAge().orElse(defaultMaxAge)), m.content(),
                    g.policy().deliveryTls().map(Enum::name).orElse("")));
        }
        try (var timer = metrics.time("spool_write")) {
            outbox.queue(spooled);
        } catch (IOException e) {
            log.error("spool write failed, answered 451: {}", e.toString());
            metrics.message("-", "deferred");
            return Verdict.Refused.of(SmtpReply.INTERNAL_ERROR);
        }
        long sealMillis = (System.nanoTime() - sealStart) / 1_000_000;
        for (int i = 0; i < plan.groups().size(); i++) {
            Group g = plan.groups().get(i);
            String outcome = switch (g.treatment()) {
                case ENCRYPT -> "sealed";
                case SIGN -> "signed";
                case PASS -> "passed";
            };
            // one line per message event; certificate fingerprints, never subjects or bodies
            log.info("{} id={} policy={} rcpts={} certs={} alg={} size={} seal_ms={}", outcome, spooled.get(i).id(),
                    g.policy().name(), g.recipients(), fingerprints(g), g.contentEncryption().map(Object::toString)
                            .orElse("-"), spooled.get(i).content().length, sealMillis);
            metrics.message(g.policy().name(), outcome);
            g.envelopeRecipients().stream().filter(r -> r.certificate().getPublicKey() instanceof ECPublicKey)
                    .forEach(r -> metrics.ecRecipientSealed());
        }
        return new Verdict.Accepted(received.queueId());
    }

    /**
     * The reply the end of DATA would give for these facts, as far as it can be known
     * without sealing and sending (for {@code mailseal explain}).
     */
    public String predictReply(MessageFacts facts, List<String> recipients) {
        Optional<Verdict> stop = refusal(planner.plan(facts, recipients), facts.envelopeFrom());
        if (stop.isPresent()) {
            Verdict.Refused r = (Verdict.Refused) stop.get();
            return r.reply().code() + " " + r.text();
        }
        return SmtpReply.QUEUED.line("<id>") + " (if timestamp and next hop answer)";
    }

    /** Policy refusals first (5xx, final), then lookup outages and missing identities. */
    private Optional<Verdict> refusal(SealingPlan plan, String envelopeFrom) {
        if (!plan.refusals().isEmpty()) {
            Refusal first = plan.refusals().get(0);
            String who = plan.refusals().stream().filter(r -> r.reply() == first.reply())
                    .map(r -> "<" + r.recipient() + ">").collect(Collectors.joining(", "));
            String policies = plan.refusals().stream().map(r -> r.policy().name()).distinct()
                    .collect(Collectors.joining(", "));
            log.info("refused: {} {} (policy {})", first.reply(), who, policies);
            return Optional.of(Verdict.Refused.of(first.reply(), who, policies));
        }
        if (!plan.unavailable().isEmpty()) {
            return Optional.of(Verdict.Refused.of(SmtpReply.CERTIFICATES_UNAVAILABLE,
                    plan.unavailable().stream().map(r -> "<" + r + ">").collect(Collectors.joining(", "))));
        }
        if (plan.needsSignature() && identities.forSender(envelopeFrom).isEmpty()) {
            log.error("no signing identity configured for sender <{}>: refused", envelopeFrom);
            return Optional.of(Verdict.Refused.of(SmtpReply.NO_SIGNING_IDENTITY, envelopeFrom));
        }
        return Optional.empty();
    }

    private List<OutboundMessage> seal(SealingPlan plan, MimeMessage mime, String envelopeFrom, byte[] original)
            throws MessagingException, IOException, TimestampUnavailableException {
        Optional<SigningIdentity> identity = identities.forSender(envelopeFrom);
        // one signature per policy and treatment serves every group of it (e.g. a GCM and a CBC envelope)
        Map<String, MimeMessage> signedByPolicy = new HashMap<>();
        List<OutboundMessage> out = new ArrayList<>();
        for (Group g : plan.groups()) {
            if (g.treatment() == Treatment.PASS) {
                out.add(new OutboundMessage(envelopeFrom, g.recipients(), BccRemoval.apply(original)));
                continue;
            }
            String key = g.policy().name() + "/" + g.treatment();
            MimeMessage signed = signedByPolicy.get(key);
            if (signed == null) {
                signed = sealer.sign(mime, identity.orElseThrow(), timestamps.forMode(g.policy().timestamp()),
                        headerProtection(g));
                signedByPolicy.put(key, signed);
            }
            MimeMessage result = g.treatment() == Treatment.ENCRYPT
                    ? sealer.encrypt(signed, g.contentEncryption().orElseThrow(), g.envelopeRecipients())
                    : signed;
            out.add(new OutboundMessage(envelopeFrom, g.recipients(), bytes(result)));
        }
        return out;
    }

    /** SHA-256 fingerprints (first 16 hex digits) of the certificates a group is encrypted to. */
    private static List<String> fingerprints(Group g) {
        return g.envelopeRecipients().stream()
                .map(r -> io.mailseal.certs.RecipientReport.fingerprint(r.certificate()).substring(0, 16)).toList();
    }

    /** RFC 9788: hp="cipher" inside an envelope, hp="clear" for signed-only mail. */
    private static HeaderProtection headerProtection(Group g) {
        if (!g.policy().protectHeaders()) {
            return HeaderProtection.NONE;
        }
        return new HeaderProtection(g.treatment() == Treatment.ENCRYPT ? HeaderProtection.Mode.CIPHER
                : HeaderProtection.Mode.CLEAR, g.policy().outerSubject(),
                g.policy().hideHeaders().stream().map(p -> p.pattern()).toList());
    }

    private static byte[] bytes(MimeMessage message) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        message.writeTo(out);
        return out.toByteArray();
    }
}
