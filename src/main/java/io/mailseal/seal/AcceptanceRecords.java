package io.mailseal.seal;

import io.mailseal.evidence.Outcome;
import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.seal.SealingPlan.Placement;
import io.mailseal.seal.SealingPlan.Treatment;
import io.mailseal.smtp.ReceivedMessage;
import io.mailseal.smtp.SmtpReply;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The evidence records of the end of DATA, one per recipient: {@code accepted} for signed or sealed
 * mail about to be answered 250 (pass mail is not journaled: the hash of its bytes would be a hash
 * of the plaintext), {@code refused} for every recipient of a message that was not accepted. The
 * SHA-256 is of the exact bytes spooled, which are the bytes that will leave.
 */
final class AcceptanceRecords {
    private AcceptanceRecords() {}

    static List<Outcome> accepted(
            ReceivedMessage received,
            String messageId,
            List<SealedGroup> sealed,
            Instant now,
            Duration defaultMaxAge) {
        List<Outcome> out = new ArrayList<>();
        for (SealedGroup s : sealed) {
            if (s.signature().isEmpty()) {
                continue;
            }
            SealedGroup.Signed signed = s.signature().get();
            Outcome group =
                    Outcome.of("accepted")
                            .with("queue_id", s.id())
                            .with("message_id", messageId)
                            .with("from", received.envelopeFrom())
                            .with("policy", s.group().policy().name())
                            .with("treatment", s.group().outcome())
                            .with("expires", s.expires(now, defaultMaxAge).toString())
                            .withHex("sha256", s.content().sha256AsSent())
                            .withFingerprint("signer", signed.signer())
                            .withHex(
                                    "signature_sha256",
                                    signed.stamp().signatureSha256().orElse(null))
                            .withBase64("token", signed.stamp().token().orElse(null));
            s.group().placements().forEach(p -> out.add(recipient(group, p)));
        }
        return out;
    }

    private static Outcome recipient(Outcome group, Placement p) {
        Outcome o = group.with("to", p.recipient());
        if (p.envelope().isPresent()) {
            return o.withFingerprint("recipient_cert", p.envelope().get().certificate());
        }
        return o.with(
                "recipient_cert",
                "none: "
                        + p.missingCertificate()
                                .map(why -> why + " (on-missing-certificate = sign-only)")
                                .orElse("policy " + p.policy().name() + " signs only"));
    }

    /** The certificates the records name: the signers' and the recipients'. */
    static List<X509Certificate> certificates(List<SealedGroup> sealed) {
        Set<X509Certificate> all = new LinkedHashSet<>();
        for (SealedGroup s : sealed) {
            s.signature().ifPresent(signed -> all.add(signed.signer()));
            s.group().envelopeRecipients().forEach(e -> all.add(e.certificate()));
        }
        return List.copyOf(all);
    }

    /** One {@code refused} record per recipient the plan would have signed, sealed or refused. */
    static List<Outcome> refused(
            ReceivedMessage received, String messageId, SealingPlan plan, SmtpReply reply) {
        Outcome base =
                Outcome.of("refused")
                        .with("queue_id", received.queueId())
                        .with("message_id", messageId)
                        .with("from", received.envelopeFrom());
        List<Outcome> out = new ArrayList<>();
        plan.refusals()
                .forEach(
                        r ->
                                out.add(
                                        base.with("to", r.recipient())
                                                .with("policy", r.policy().name())
                                                .with("reply", line(r.reply()))));
        for (Group g : plan.groups()) {
            if (g.treatment() != Treatment.PASS) {
                g.recipients()
                        .forEach(
                                r ->
                                        out.add(
                                                base.with("to", r)
                                                        .with("policy", g.policy().name())
                                                        .with("reply", line(reply))));
            }
        }
        plan.unavailable().forEach(r -> out.add(base.with("to", r).with("reply", line(reply))));
        return out;
    }

    /** Code and the reply's name: never the detail text, which may quote the message. */
    private static String line(SmtpReply reply) {
        return reply.code() + " " + reply.name().toLowerCase(Locale.ROOT);
    }
}
