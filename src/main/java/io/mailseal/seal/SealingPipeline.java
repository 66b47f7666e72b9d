package io.mailseal.seal;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.SmtpConfig;
import io.mailseal.crypto.KeyUnavailableException;
import io.mailseal.crypto.MessageSealer;
import io.mailseal.crypto.SignatureTimestamps;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.delivery.Outbox;
import io.mailseal.evidence.Evidence;
import io.mailseal.evidence.Outcome;
import io.mailseal.net.CpuSlots;
import io.mailseal.policy.MessageFacts;
import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.smtp.MessageSink;
import io.mailseal.smtp.ReceivedMessage;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision at the end of DATA (DESIGN.md "Flow of one message"), in named steps: parse, plan
 * (policy and certificates per recipient), check (any refusal stops the whole message before
 * anything leaves), seal each group, spool all of them, report. Fail closed: when protection cannot
 * be applied, nothing is sent; seal before spool, so only ciphertext of protected mail reaches the
 * disk.
 */
public final class SealingPipeline implements MessageSink {
    private static final Logger log = LoggerFactory.getLogger(SealingPipeline.class);
    private final SealingPlanner planner;
    private final AcceptanceCheck check;
    private final GroupSealer sealer;
    private final MimeLimits mimeLimits;
    private final SealableMime sealable;
    private final Spooling spooling;
    private final SealingMetrics metrics;
    private final CpuSlots slots;

    /**
     * Where sealed messages go, how long they may wait there, and the evidence journal that records
     * their acceptance first.
     */
    public record Spooling(Outbox outbox, Duration defaultMaxAge, Clock clock, Evidence evidence) {}

    /**
     * @param limits {@code smtp.max-mime-*} and {@code max-header-size}: MIME beyond them is not
     *     sealed but refused
     */
    public SealingPipeline(
            SealingPlanner planner,
            SigningIdentities identities,
            SignatureTimestamps timestamps,
            SmtpConfig.Limits limits,
            Spooling spooling,
            SealingMetrics metrics,
            CpuSlots slots) {
        this.planner = planner;
        this.slots = slots;
        this.check = new AcceptanceCheck(identities);
        this.sealer = new GroupSealer(identities, new MessageSealer(), timestamps);
        this.mimeLimits = MimeLimits.of(limits);
        this.sealable = new SealableMime(limits.maxMimeDepth());
        this.spooling = spooling;
        this.metrics = metrics;
    }

    @Override
    @SuppressWarnings(
            "try") // the timer only times the block; javac ignores the annotation on the resource
    // itself
    public Verdict accept(ReceivedMessage received) {
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
        Optional<Verdict.Refused> stop = check.refusal(plan, facts);
        if (stop.isPresent()) {
            return counted(received, mime, plan, stop.get());
        }
        List<SealedGroup> sealed;
        long sealStart;
        // walked and sealed in a CPU slot when large (pass mail is neither); spooled (a wait on
        // the disk) outside it
        try (CpuSlots.Slot slot =
                slots.take(plan.needsSignature() ? received.content().length : 0)) {
            // the limits first, on the bytes: SealableMime and signing build the whole tree. A pass
            // message is forwarded byte for byte and never walked: parse read its header section
            // only
            Optional<String> malformed =
                    plan.needsSignature()
                            ? mimeLimits
                                    .problem(received.content())
                                    .or(() -> sealable.problem(received.content(), mime))
                            : Optional.empty();
            if (malformed.isPresent()) {
                log.warn("refused: cannot be sealed as it came: {}", malformed.get());
                return counted(
                        received,
                        mime,
                        plan,
                        Verdict.Refused.of(SmtpReply.MALFORMED_MESSAGE, malformed.get()));
            }
            sealStart = System.nanoTime();
            try (var timer = metrics.time("seal")) {
                sealed = sealer.seal(plan, received, mime);
            } catch (TimestampUnavailableException e) {
                log.warn("no timestamp authority answered, answered 451: {}", e.getMessage());
                return counted(
                        received, mime, plan, Verdict.Refused.of(SmtpReply.TIMESTAMP_UNAVAILABLE));
            } catch (KeyUnavailableException e) {
                log.warn("signing key unavailable, answered 451: {}", e.getMessage());
                return counted(
                        received,
                        mime,
                        plan,
                        Verdict.Refused.of(SmtpReply.SIGNING_KEY_UNAVAILABLE));
            } catch (MessagingException | IOException e) {
                log.error("sealing failed, answered 451: {}", e.toString());
                return counted(received, mime, plan, Verdict.Refused.of(SmtpReply.INTERNAL_ERROR));
            }
        }
        Instant now = spooling.clock().instant();
        try {
            List<Outcome> records =
                    spooling.evidence().kept()
                            ? AcceptanceRecords.accepted(
                                    received,
                                    messageId(mime),
                                    sealed,
                                    now,
                                    spooling.defaultMaxAge())
                            : List.of();
            // pass mail has nothing to record: a journal that cannot write now does not hold it
            if (!records.isEmpty()) {
                spooling.evidence().record(records, AcceptanceRecords.certificates(sealed));
            }
        } catch (IOException | RuntimeException e) {
            log.error("evidence journal write failed, answered 451: {}", e.toString());
            return counted(received, mime, plan, Verdict.Refused.of(SmtpReply.INTERNAL_ERROR));
        }
        try {
            spool(received, sealed, now);
        } catch (IOException e) {
            log.error("spool write failed, answered 451: {}", e.toString());
            return counted(received, mime, plan, Verdict.Refused.of(SmtpReply.INTERNAL_ERROR));
        }
        report(sealed, (System.nanoTime() - sealStart) / 1_000_000);
        return new Verdict.Accepted(received.queueId());
    }

    /** All of the transaction's messages durably or none: the 250 depends on it. */
    @SuppressWarnings(
            "try") // the timer only times the block; javac ignores the annotation on the resource
    // itself
    private void spool(ReceivedMessage received, List<SealedGroup> sealed, Instant now)
            throws IOException {
        try (var timer = metrics.time("spool_write")) {
            spooling.outbox()
                    .queue(
                            sealed.stream()
                                    .map(
                                            s ->
                                                    s.spooled(
                                                            received.envelopeFrom(),
                                                            now,
                                                            spooling.defaultMaxAge()))
                                    .toList());
        }
    }

    /** One line per message event: certificate fingerprints, never subjects or bodies. */
    private void report(List<SealedGroup> sealed, long sealMillis) {
        for (SealedGroup s : sealed) {
            Group g = s.group();
            log.info(
                    "{} id={} policy={} rcpts={} certs={} alg={} size={} seal_ms={}",
                    g.outcome(),
                    s.id(),
                    g.policy().name(),
                    g.recipients(),
                    fingerprints(g),
                    g.contentEncryption().map(Object::toString).orElse("-"),
                    s.content().length(),
                    sealMillis);
            metrics.message(g.policy().name(), g.outcome());
            g.envelopeRecipients().stream()
                    .filter(r -> r.certificate().getPublicKey() instanceof ECPublicKey)
                    .forEach(r -> metrics.ecRecipientSealed());
        }
    }

    /**
     * Counted as refused (5xx) or deferred (4xx) under each refusing policy, else under "-"; each
     * recipient gets a {@code refused} evidence record (if the journal takes it: the answer is a
     * refusal either way).
     */
    private Verdict counted(
            ReceivedMessage received, MimeMessage mime, SealingPlan plan, Verdict.Refused verdict) {
        String outcome = verdict.reply().code() >= 500 ? "refused" : "deferred";
        if (plan.refusals().isEmpty()) {
            metrics.message("-", outcome);
        }
        plan.refusals().forEach(r -> metrics.message(r.policy().name(), outcome));
        try {
            if (spooling.evidence().kept()) {
                spooling.evidence()
                        .record(
                                AcceptanceRecords.refused(
                                        received, messageId(mime), plan, verdict.reply()),
                                List.of());
            }
        } catch (IOException | RuntimeException e) {
            log.error("evidence journal: the refusal could not be recorded: {}", e.toString());
        }
        return verdict;
    }

    /** The Message-ID as the message carries it; "-" when it has none. */
    private static String messageId(MimeMessage mime) {
        try {
            String id = mime.getMessageID();
            return id == null ? "-" : id;
        } catch (MessagingException e) {
            return "-";
        }
    }

    /** SHA-256 fingerprints (first 16 hex digits) of the certificates a group is encrypted to. */
    private static List<String> fingerprints(Group g) {
        return g.envelopeRecipients().stream()
                .map(
                        r ->
                                io.mailseal.certs.RecipientReport.fingerprint(r.certificate())
                                        .substring(0, 16))
                .toList();
    }
}
