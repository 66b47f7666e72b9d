package io.mailseal.inbound;

import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.config.InboundConfig.OnViolation;
import io.mailseal.config.InboundConfig.Requirement;
import io.mailseal.config.PolicyConfig.Match;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine;
import java.util.List;
import java.util.Optional;

/**
 * Which {@code inbound.policies} entry applies to a recipient: the first whose match holds, as
 * {@link PolicyEngine} decides outbound (the same conditions, the same words in {@code explain}).
 * With none matching, nothing is required and the verdict is only added.
 */
public final class InboundPolicies {
    public static final InboundPolicy NONE_MATCHED =
            new InboundPolicy(
                    "(none matched)",
                    new Match(
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            List.of()),
                    Requirement.NONE,
                    OnViolation.TAG);

    private final List<InboundPolicy> policies;

    public InboundPolicies(List<InboundPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    public InboundPolicy decide(MessageFacts facts, String recipient) {
        List<Evaluation> evaluations = explain(facts, recipient);
        return evaluations.get(evaluations.size() - 1).policy();
    }

    /** Each policy in order with why it did not match, up to and including the one that did. */
    public List<Evaluation> explain(MessageFacts facts, String recipient) {
        return PolicyEngine.firstMatch(
                        policies, InboundPolicy::match, NONE_MATCHED, facts, recipient)
                .stream()
                .map(e -> new Evaluation(e.getKey(), e.getValue()))
                .toList();
    }

    public record Evaluation(InboundPolicy policy, Optional<String> mismatch) {}
}
