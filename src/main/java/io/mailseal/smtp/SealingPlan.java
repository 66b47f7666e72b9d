package io.mailseal.smtp;

import io.mailseal.config.PolicyConfig;
import io.mailseal.crypto.ContentEncryption;
import io.mailseal.crypto.EnvelopeRecipient;
import java.util.List;
import java.util.Optional;

/**
 * What will be done to one message: recipients grouped by treatment, one outgoing message
 * per group (one CMS envelope serves every recipient of an encrypt group), plus the
 * recipients that stop the message (policy refusals, 5xx) or delay it (lookup outage, 4xx).
 */
record SealingPlan(List<Refusal> refusals, List<String> unavailable, List<Group> groups) {

    enum Treatment { ENCRYPT, SIGN, PASS }

    record Group(Treatment treatment, PolicyConfig policy, Optional<ContentEncryption> contentEncryption,
                 List<String> recipients, List<EnvelopeRecipient> envelopeRecipients) {
    }

    record Refusal(String recipient, PolicyConfig policy, SmtpReply reply) {
    }

    boolean needsSignature() {
        return groups.stream().anyMatch(g -> g.treatment() != Treatment.PASS);
    }
}
