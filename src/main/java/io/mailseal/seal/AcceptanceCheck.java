package io.mailseal.seal;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.policy.MessageFacts;
import io.mailseal.seal.SealingPlan.Refusal;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a plan may go ahead, before anything is sealed: policy refusals first (5xx, final, naming
 * every refused recipient and policy), then certificate directory outages (4xx), then a sender
 * without a signing identity, then a header From that identity does not cover. The same answer for
 * the end of DATA and for {@code mailseal explain}.
 *
 * <p>From and the envelope sender: the customer's client shows the header From and checks it
 * against the signer's certificate (RFC 8551 §3.1); the relay chooses the identity by the envelope
 * sender. A signature by the bank over a From the bank's identity does not cover would make the
 * bank vouch for a sender it never checked, and train customers to click past the client's mismatch
 * warning. So a message to be signed is refused (550, the sender's configuration is at fault) when
 * any From address would be signed by another identity (or none), or when From is there but no
 * address in it parses; without From (RFC 5322 requires one) nothing can mismatch.
 */
final class AcceptanceCheck {
    private static final Logger log = LoggerFactory.getLogger(AcceptanceCheck.class);
    private final SigningIdentities identities;

    AcceptanceCheck(SigningIdentities identities) {
        this.identities = identities;
    }

    Optional<Verdict.Refused> refusal(SealingPlan plan, MessageFacts facts) {
        String envelopeFrom = facts.envelopeFrom();
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
        if (!plan.needsSignature()) {
            return Optional.empty();
        }
        Optional<X509Certificate> signer = identities.certificateFor(envelopeFrom);
        if (signer.isEmpty()) {
            log.error("no signing identity configured for sender <{}>: refused", envelopeFrom);
            return Optional.of(Verdict.Refused.of(SmtpReply.NO_SIGNING_IDENTITY, envelopeFrom));
        }
        List<String> from = facts.headerFromAddresses();
        boolean unreadable = from.isEmpty() && !facts.header("from").isEmpty();
        if (unreadable
                || from.stream().anyMatch(a -> !identities.certificateFor(a).equals(signer))) {
            log.warn(
                    "refused: header From {} is not covered by the signing identity of <{}>",
                    unreadable ? "(unparseable)" : from,
                    envelopeFrom);
            return Optional.of(Verdict.Refused.of(SmtpReply.FROM_NOT_SIGNER, envelopeFrom));
        }
        return Optional.empty();
    }

    SigningIdentities identities() {
        return identities;
    }
}
