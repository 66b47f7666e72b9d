package io.mailseal.inbound;

import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.config.InboundConfig.OnViolation;
import io.mailseal.config.InboundConfig.Requirement;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a message that lacks what its recipients' inbound policies require is answered: the same for
 * the end of DATA and {@code mailseal explain --inbound}.
 */
final class Violations {
    private Violations() {}

    /** The first recipient whose reject policy's requirement is not met stops the message. */
    static Optional<Verdict.Refused> refusal(
            Map<InboundPolicy, List<String>> groups, InboundVerdict verdict) {
        for (Map.Entry<InboundPolicy, List<String>> g : groups.entrySet()) {
            InboundPolicy p = g.getKey();
            Optional<String> shortOf = verdict.shortOf(p.require());
            if (shortOf.isPresent() && p.onViolation() == OnViolation.REJECT) {
                boolean encryptionShort = p.require().needsEncryption() && !verdict.decrypted();
                if (verdict.undetermined() && !encryptionShort) {
                    return Optional.of(Verdict.Refused.of(SmtpReply.SIGNER_STATUS_UNAVAILABLE));
                }
                return Optional.of(
                        Verdict.Refused.of(
                                SmtpReply.PROTECTION_REQUIRED,
                                g.getValue().get(0),
                                required(p.require()),
                                p.name(),
                                shortOf.get()));
            }
        }
        return Optional.empty();
    }

    /** What the customer must do, in words for the reply. */
    private static String required(Requirement r) {
        String encrypted = "encrypted with S/MIME to the bank's certificate";
        String signed =
                "signed with an S/MIME certificate of a trusted CA naming your From address";
        return switch (r) {
            case SIGNED -> signed;
            case ENCRYPTED -> encrypted;
            case SIGNED_AND_ENCRYPTED -> signed + " and " + encrypted;
            case NONE -> "accepted as it is";
        };
    }
}
