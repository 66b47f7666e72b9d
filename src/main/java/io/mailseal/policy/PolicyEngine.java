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
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
        return firstMatch(policies, PolicyConfig::match, NO_MATCH, facts, recipient).stream()
                .map(e -> new Evaluation(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * Each of {@code policies} in order with why it did not match (the first failing condition of
     * its {@code match}), up to and including the first that did; {@code none} last when none did.
     * The inbound policies are chosen the same way.
     */
    public static <P> List<Map.Entry<P, Optional<String>>> firstMatch(
            List<P> policies,
            Function<P, Match> match,
            P none,
            MessageFacts facts,
            String recipient) {
        List<Map.Entry<P, Optional<String>>> out = new ArrayList<>();
        for (P p : policies) {
            Optional<String> why = mismatch(match.apply(p), facts, recipient);
            out.add(Map.entry(p, why));
            if (why.isEmpty()) {
                return out;
            }
        }
        out.add(Map.entry(none, Optional.empty()));
        return out;
    }

    public record Evaluation(PolicyConfig policy, Optional<String> mismatch) {}

    /** The first condition of {@code m} that fails, in words; empty when every condition holds. */
    private static Optional<String> mismatch(Match m, MessageFacts facts, String recipient) {
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
