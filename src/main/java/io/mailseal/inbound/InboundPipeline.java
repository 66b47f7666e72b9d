package io.mailseal.inbound;

import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.crypto.MessageOpener;
import io.mailseal.crypto.OpenedMessage;
import io.mailseal.delivery.Outbox;
import io.mailseal.evidence.Evidence;
import io.mailseal.evidence.Outcome;
import io.mailseal.policy.MessageFacts;
import io.mailseal.smtp.MessageSink;
import io.mailseal.smtp.ReceivedMessage;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import io.mailseal.spool.MessageBytes;
import io.mailseal.spool.SpooledMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of DATA on the inbound listener: open the message in memory (decrypt, verify), judge its
 * signatures, apply each recipient's inbound policy (a {@code reject} policy whose requirement is
 * not met refuses the whole message: 550 5.7.1 saying what is required, or 451 when the signer's
 * status cannot be learnt now), harvest a trusted signer's certificate, then spool the message as
 * it arrived with its verdict, one file per policy. Nothing decrypted reaches the disk or the log.
 */
public final class InboundPipeline implements MessageSink {
    private static final Logger log = LoggerFactory.getLogger(InboundPipeline.class);
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final String SPOOLED_POLICY_PREFIX = "inbound:";
    private final MessageOpener opener = new MessageOpener();
    private final InboundPolicies policies;
    private final SignatureJudge judge;
    private final DecryptionKeys keys;
    private final String authservId;
    private final SignerHarvest harvest;
    private final Spooling spooling;
    private final InboundMetrics metrics;

    /** Where accepted messages go and how long they may wait there. */
    public record Spooling(Outbox outbox, Duration maxAge, Clock clock, Evidence evidence) {}

    public InboundPipeline(
            InboundPolicies policies,
            io.mailseal.certs.SignerTrust trust,
            DecryptionKeys keys,
            String authservId,
            SignerHarvest harvest,
            Spooling spooling,
            InboundMetrics metrics) {
        this.policies = policies;
        this.judge = new SignatureJudge(trust);
        this.keys = keys;
        this.authservId = authservId;
        this.harvest = harvest;
        this.spooling = spooling;
        this.metrics = metrics;
    }

    @Override
    public Verdict accept(ReceivedMessage received) {
        MessageFacts facts;
        String messageId;
        try {
            MimeMessage mime =
                    new MimeMessage(SESSION, new ByteArrayInputStream(received.content()));
            facts = MessageFacts.of(received.envelopeFrom(), mime);
            messageId = Optional.ofNullable(mime.getMessageID()).orElse("-");
        } catch (MessagingException e) {
            metrics.inbound("-", "-", "refused");
            return Verdict.Refused.of(SmtpReply.MALFORMED_MESSAGE, e.getMessage());
        }
        Map<InboundPolicy, List<String>> groups = new LinkedHashMap<>();
        received.recipients()
                .forEach(
                        r ->
                                groups.computeIfAbsent(
                                                policies.decide(facts, r), p -> new ArrayList<>())
                                        .add(r));
        OpenedMessage opened =
                opener.open(received.content(), keys.forRecipients(received.recipients()));
        InboundVerdict verdict = judge.judge(opened, singleFrom(facts));
        String result = verdict.overall().token();
        Optional<Verdict.Refused> refusal = Violations.refusal(groups, verdict);
        if (refusal.isPresent()) {
            String outcome = refusal.get().reply().code() >= 500 ? "refused" : "deferred";
            log.info(
                    "inbound {} id={} smime={} encrypted={}",
                    outcome,
                    received.queueId(),
                    result,
                    encryption(verdict));
            groups.keySet().forEach(p -> metrics.inbound(p.name(), result, outcome));
            return refusal.get();
        }
        if (verdict.signedAndTrusted()) {
            opened.signedMessage()
                    .ifPresent(m -> harvest.signedMail(m, "inbound " + received.queueId()));
        }
        try {
            spool(received, messageId, groups, verdict);
        } catch (IOException e) {
            log.error("inbound evidence or spool write failed, answered 451: {}", e.toString());
            groups.keySet().forEach(p -> metrics.inbound(p.name(), result, "deferred"));
            return Verdict.Refused.of(SmtpReply.INTERNAL_ERROR);
        }
        groups.forEach(
                (p, rcpts) -> {
                    log.info(
                            "inbound queued id={} policy={} rcpts={} smime={} encrypted={}",
                            received.queueId(),
                            p.name(),
                            rcpts,
                            result,
                            encryption(verdict));
                    metrics.inbound(p.name(), result, "queued");
                });
        return new Verdict.Accepted(received.queueId());
    }

    /** The evidence records first (before the 250, as outbound), then the spool. */
    private void spool(
            ReceivedMessage received,
            String messageId,
            Map<InboundPolicy, List<String>> groups,
            InboundVerdict verdict)
            throws IOException {
        Instant now = spooling.clock().instant();
        byte[] content =
                SpooledForm.write(
                        AuthenticationResults.fields(authservId, verdict),
                        received.content(),
                        verdict.decrypted());
        // of the message as received only when it arrived encrypted (of plain mail it would be a
        // hash of the plaintext); once for all recipients
        byte[] sha256 =
                spooling.evidence().kept() && verdict.encrypted()
                        ? MessageBytes.of(received.content()).sha256AsSent()
                        : null;
        List<SpooledMessage> messages = new ArrayList<>();
        List<Outcome> records = new ArrayList<>();
        groups.forEach(
                (p, rcpts) -> {
                    SpooledMessage m =
                            new SpooledMessage(
                                    received.queueId() + "." + (messages.size() + 1),
                                    received.envelopeFrom(),
                                    rcpts,
                                    SPOOLED_POLICY_PREFIX + p.name(),
                                    now,
                                    now.plus(spooling.maxAge()),
                                    content);
                    messages.add(m);
                    if (spooling.evidence().kept()) {
                        rcpts.forEach(r -> records.add(accepted(m, messageId, r, verdict, sha256)));
                    }
                });
        spooling.evidence().record(records, List.of());
        spooling.outbox().queue(messages);
    }

    /** The acceptance record of one recipient: the S/MIME verdict, and {@code sha256} if any. */
    private static Outcome accepted(
            SpooledMessage m, String messageId, String to, InboundVerdict verdict, byte[] sha256) {
        return Outcome.of("accepted")
                .with("queue_id", m.id())
                .with("message_id", messageId)
                .with("from", m.envelopeFrom())
                .with("to", to)
                .with("policy", m.policy())
                .with("treatment", "inbound")
                .with("smime", verdict.overall().token())
                .withHex("sha256", sha256);
    }

    private static Optional<String> singleFrom(MessageFacts facts) {
        return facts.headerFromAddresses().size() == 1
                ? Optional.of(facts.headerFromAddresses().get(0))
                : Optional.empty();
    }

    private static String encryption(InboundVerdict v) {
        return !v.encrypted()
                ? "no"
                : v.decrypted() ? AuthenticationResults.cipherToken(v.cipher()) : "undecryptable";
    }
}
