package io.mailseal.policy;

import io.mailseal.config.PolicyConfig;
import io.mailseal.config.PolicyConfig.Action;
import io.mailseal.config.PolicyConfig.HeaderCondition;
import io.mailseal.config.PolicyConfig.Match;
import io.mailseal.config.PolicyConfig.MissingCertificate;
import io.mailseal.config.PolicyConfig.TextPattern;
import io.mailseal.config.PolicyConfig.TimestampMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides, per recipient, which policy applies: the first whose every condition holds (DESIGN.md,
 * relay.conf). Pure: no I/O, so the same answer comes from `run` and `explain`.
 */
public final class PolicyEngine {
    /** When no rule matches, the mail passes unchanged, as from any plain relay. */
    public static final PolicyConfig NO_MATCH =
            new PolicyConfig(
                    "(none matched)",
                    new Match(
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            List.of()),
                    Action.PASS,
                    TimestampMode.OFF,
                    false,
                    MissingCertificate.REJECT,
                    "[...]",
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    false);

    private final List<PolicyConfig> policies;

    public PolicyEngine(List<PolicyConfig> policies) {
        this.policies = List.copyOf(policies);
    }

    public PolicyConfig decide(MessageFacts facts, String recipient) {
        for (PolicyConfig p : policies) {
            if (mismatch(p.match(), facts, recipient).isEmpty()) {
                return p;
            }
        }
        return NO_MATCH;
    }

    /** Each policy in order with why it did not match, up to and including the one that did. */
    public List<Evaluation> explain(MessageFacts facts, String recipient) {
        List<Evaluation> out = new ArrayList<>();
        for (PolicyConfig p : policies) {
            Optional<String> why = mismatch(p.match(), facts, recipient);
            out.add(new Evaluation(p, why));
            if (why.isEmpty()) {
                return out;
            }
        }
        out.add(new Evaluation(NO_MATCH, Optional.empty()));
        return out;
    }

    public record Evaluation(PolicyConfig policy, Optional<String> mismatch) {}

    /**
     * The first condition of {@code m} that fails, in words; empty when every condition holds (the
     * inbound policies match the same way).
     */
    public static Optional<String> mismatch(Match m, MessageFacts facts, String recipient) {
        if (m.from().isPresent() && !m.from().get().matches(facts.envelopeFrom())) {
            return fail("envelope from", facts.envelopeFrom(), m.from().get());
        }
        if (m.headerFrom().isPresent()
                && facts.headerFromAddresses().stream().noneMatch(m.headerFrom().get()::matches)) {
            return fail(
                    "header From",
                    String.join(", ", facts.headerFromAddresses()),
                    m.headerFrom().get());
        }
        if (m.to().isPresent() && !m.to().get().matches(recipient)) {
            return fail("recipient", recipient, m.to().get());
        }
        if (m.subject().isPresent() && !m.subject().get().matches(facts.subject().orElse(""))) {
            // the subject may be protected: never repeat it in the explanation
            return Optional.of("subject does not match /" + m.subject().get().text() + "/");
        }
        for (HeaderCondition h : m.headers()) {
            if (facts.header(h.name()).stream().noneMatch(h.value()::matches)) {
                return Optional.of(
                        "header "
                                + h.name()
                                + " "
                                + (facts.header(h.name()).isEmpty()
                                        ? "is absent"
                                        : "does not match \"" + h.value().text() + "\""));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fail(String what, String value, TextPattern pattern) {
        return Optional.of(what + " <" + value + "> does not match \"" + pattern.text() + "\"");
    }
}
