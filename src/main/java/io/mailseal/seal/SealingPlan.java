package io.mailseal.seal;

import io.mailseal.config.PolicyConfig;
import io.mailseal.crypto.ContentEncryption;
import io.mailseal.crypto.EnvelopeRecipient;
import io.mailseal.crypto.HeaderProtection;
import io.mailseal.smtp.SmtpReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What will be done to one message: recipients grouped by treatment, one outgoing message per group
 * (one CMS envelope serves every recipient of an encrypt group), plus the recipients that stop the
 * message (policy refusals, 5xx) or delay it (lookup outage, 4xx). Immutable; built from one {@link
 * Decision} per recipient.
 */
record SealingPlan(List<Refusal> refusals, List<String> unavailable, List<Group> groups) {

    enum Treatment {
        ENCRYPT,
        SIGN,
        PASS
    }

    /** What policy and certificate lookup decided for one recipient. */
    sealed interface Decision permits Placement, Refusal, Unavailable {}

    /**
     * The recipient goes out, in the group of its treatment, policy and content encryption. {@code
     * missingCertificate}: why an encrypting policy signs only (on-missing-certificate =
     * sign-only).
     */
    record Placement(
            String recipient,
            Treatment treatment,
            PolicyConfig policy,
            Optional<ContentEncryption> contentEncryption,
            Optional<EnvelopeRecipient> envelope,
            Optional<String> missingCertificate)
            implements Decision {

        private List<Object> groupKey() {
            return List.of(treatment, policy.name(), contentEncryption);
        }
    }

    /**
     * The recipient stops the whole message with a 5xx (DESIGN.md: one refused recipient refuses
     * all).
     */
    record Refusal(String recipient, PolicyConfig policy, SmtpReply reply) implements Decision {}

    /** The certificate directory could not answer for the recipient: 4xx, the client retries. */
    record Unavailable(String recipient) implements Decision {}

    record Group(
            Treatment treatment,
            PolicyConfig policy,
            Optional<ContentEncryption> contentEncryption,
            List<Placement> placements) {

        Group {
            placements = List.copyOf(placements);
        }

        private static Group of(List<Placement> placements) {
            Placement first = placements.get(0);
            return new Group(
                    first.treatment(), first.policy(), first.contentEncryption(), placements);
        }

        List<String> recipients() {
            return placements.stream().map(Placement::recipient).toList();
        }

        List<EnvelopeRecipient> envelopeRecipients() {
            return placements.stream().flatMap(p -> p.envelope().stream()).toList();
        }

        /**
         * Groups of one policy and treatment share one signature (e.g. a GCM and a CBC envelope).
         */
        String signatureKey() {
            return policy.name() + "/" + treatment;
        }

        /** RFC 9788: hp="cipher" inside an envelope, hp="clear" for signed-only mail. */
        HeaderProtection headerProtection() {
            if (!policy.protectHeaders()) {
                return HeaderProtection.NONE;
            }
            return new HeaderProtection(
                    treatment == Treatment.ENCRYPT
                            ? HeaderProtection.Mode.CIPHER
                            : HeaderProtection.Mode.CLEAR,
                    policy.outerSubject(),
                    policy.hideHeaders().stream().map(p -> p.pattern()).toList());
        }

        /** The message outcome it is logged and counted as. */
        String outcome() {
            return switch (treatment) {
                case ENCRYPT -> "sealed";
                case SIGN -> "signed";
                case PASS -> "passed";
            };
        }
    }

    SealingPlan {
        refusals = List.copyOf(refusals);
        unavailable = List.copyOf(unavailable);
        groups = List.copyOf(groups);
    }

    /** Recipients in order; groups in the order of their first recipient. */
    static SealingPlan of(List<Decision> decisions) {
        return new SealingPlan(
                only(decisions, Refusal.class),
                only(decisions, Unavailable.class).stream().map(Unavailable::recipient).toList(),
                only(decisions, Placement.class).stream()
                        .collect(
                                Collectors.groupingBy(
                                        Placement::groupKey,
                                        LinkedHashMap::new,
                                        Collectors.toList()))
                        .values()
                        .stream()
                        .map(Group::of)
                        .toList());
    }

    boolean needsSignature() {
        return groups.stream().anyMatch(g -> g.treatment() != Treatment.PASS);
    }

    private static <T extends Decision> List<T> only(List<Decision> decisions, Class<T> kind) {
        return decisions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
