package io.mailseal.seal;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.seal.SealingPlan.Refusal;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a plan may go ahead, before anything is sealed: policy refusals first (5xx, final, naming
 * every refused recipient and policy), then certificate directory outages (4xx), then a sender
 * without a signing identity. The same answer for the end of DATA and for {@code mailseal explain}.
 */
final class AcceptanceCheck {
    private static final Logger log = LoggerFactory.getLogger(AcceptanceCheck.class);
    private final SigningIdentities identities;

    AcceptanceCheck(SigningIdentities identities) {
        this.identities = identities;
    }

    Optional<Verdict.Refused> refusal(SealingPlan plan, String envelopeFrom) {
        if (!plan.refusals().isEmpty()) {
            Refusal first = plan.refusals().get(0);
            String who =
                    plan.refusals().stream()
                            .filter(r -> r.reply() == first.reply())
                            .map(r -> "<" + r.recipient() + ">")
                            .collect(Collectors.joining(", "));
            String policies =
                    plan.refusals().stream()
                            .map(r -> r.policy().name())
                            .distinct()
                            .collect(Collectors.joining(", "));
            log.info("refused: {} {} (policy {})", first.reply(), who, policies);
            return Optional.of(Verdict.Refused.of(first.reply(), who, policies));
        }
        if (!plan.unavailable().isEmpty()) {
            return Optional.of(
                    Verdict.Refused.of(
                            SmtpReply.CERTIFICATES_UNAVAILABLE,
                            plan.unavailable().stream()
                                    .map(r -> "<" + r + ">")
                                    .collect(Collectors.joining(", "))));
        }
        if (plan.needsSignature() && identities.forSender(envelopeFrom).isEmpty()) {
            log.error("no signing identity configured for sender <{}>: refused", envelopeFrom);
            return Optional.of(Verdict.Refused.of(SmtpReply.NO_SIGNING_IDENTITY, envelopeFrom));
        }
        return Optional.empty();
    }

    SigningIdentities identities() {
        return identities;
    }
}
