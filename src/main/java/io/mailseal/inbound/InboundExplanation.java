package io.mailseal.inbound;

import static io.mailseal.config.Keywords.kebab;

import io.mailseal.certs.CertificateImport;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.InboundConfig;
import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.policy.MessageFacts;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.smtp.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mailseal explain --inbound}: which inbound policy applies to each recipient and why, which
 * key would decrypt its mail, and what plain mail to it would be answered — from the same policies
 * and refusal rule as the end of DATA.
 */
public final class InboundExplanation {
    private final InboundConfig config;
    private final InboundPolicies policies;
    private final SigningIdentities identities;

    public InboundExplanation(InboundConfig config, SigningIdentities identities) {
        this.config = config;
        this.policies = new InboundPolicies(config.policies());
        this.identities = identities;
    }

    public void print(MessageFacts facts, List<String> recipients, PrintWriter out) {
        out.printf(
                "inbound listener %s, next hop %s, authserv-id %s%n",
                config.intake().listen(), config.nextHop(), config.authservId());
        Map<InboundPolicy, List<String>> groups = new LinkedHashMap<>();
        for (String rcpt : recipients) {
            out.printf("recipient <%s>%n", rcpt);
            List<InboundPolicies.Evaluation> evaluations = policies.explain(facts, rcpt);
            for (InboundPolicies.Evaluation e : evaluations) {
                out.printf(
                        "  policy %-14s %s%n",
                        e.policy().name(),
                        e.mismatch()
                                .map(m -> "no: " + m)
                                .orElse(
                                        "MATCH: require "
                                                + kebab(e.policy().require())
                                                + ", on-violation "
                                                + kebab(e.policy().onViolation())));
            }
            groups.computeIfAbsent(
                            evaluations.get(evaluations.size() - 1).policy(),
                            p -> new ArrayList<>())
                    .add(rcpt);
            out.printf(
                    "  decryption key: %s%n",
                    identities
                            .entryForSender(rcpt)
                            .map(
                                    e ->
                                            e.config().key()
                                                    + " ("
                                                    + CertificateImport.describe(
                                                            e.active(java.time.Instant.now())
                                                                    .certificate())
                                                    + ")")
                            .orElse("none: mail encrypted to the bank gets smime=permerror"));
        }
        InboundVerdict plain =
                new InboundVerdict(
                        false, false, "", List.of(SignatureVerdict.of(SmimeResult.NONE, "")));
        out.printf(
                "reply to plain mail: %s%n",
                Violations.refusal(groups, plain)
                        .map(Verdict.Refused::line)
                        .orElse(SmtpReply.QUEUED.line("<id>") + ", delivered with smime=none"));
    }
}
