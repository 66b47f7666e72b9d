package io.mailseal.seal;

import static io.mailseal.config.Keywords.kebab;

import io.mailseal.certs.Resolution;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.Keywords;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.PolicyConfig.Action;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine.Evaluation;
import io.mailseal.smtp.SmtpReply;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * {@code mailseal explain}: what the relay would decide for one message, and why — from the same
 * planner and acceptance check as the end of DATA, without sealing or sending.
 */
public final class Explanation {
    private final SealingPlanner planner;
    private final AcceptanceCheck check;

    public Explanation(SealingPlanner planner, SigningIdentities identities) {
        this.planner = planner;
        this.check = new AcceptanceCheck(identities);
    }

    public void print(MessageFacts facts, List<String> recipients, PrintWriter out) {
        for (String rcpt : recipients) {
            out.printf("recipient <%s>%n", rcpt);
            List<Evaluation> evaluations = planner.policies().explain(facts, rcpt);
            for (Evaluation e : evaluations) {
                out.printf(
                        "  policy %-14s %s%n",
                        e.policy().name(),
                        e.mismatch().map(m -> "no: " + m).orElse("MATCH: " + describe(e.policy())));
            }
            PolicyConfig chosen = evaluations.get(evaluations.size() - 1).policy();
            if (chosen.action() == Action.ENCRYPT) {
                certificate(planner.certificates().resolve(rcpt), chosen, out);
            }
        }
        out.printf(
                "signing identity for <%s>: %s%n",
                facts.envelopeFrom(),
                check.identities()
                        .certificateFor(facts.envelopeFrom())
                        .map(c -> c.getSubjectX500Principal().getName())
                        .orElse("none"));
        out.printf(
                "reply: %s%n",
                check.refusal(planner.plan(facts, recipients), facts)
                        .map(r -> r.line())
                        .orElse(
                                SmtpReply.QUEUED.line("<id>")
                                        + " (if timestamp and next hop answer)"));
    }

    private static void certificate(Resolution r, PolicyConfig chosen, PrintWriter out) {
        if (r instanceof Resolution.Usable u) {
            X509Certificate cert = u.certificate();
            out.printf(
                    "  certificate: %s, serial %s, valid until %s, from %s%n",
                    cert.getSubjectX500Principal().getName(),
                    cert.getSerialNumber().toString(16),
                    cert.getNotAfter().toInstant(),
                    u.source());
        } else if (r instanceof Resolution.Missing m) {
            out.printf(
                    "  certificate: none usable (%s) -> %s%n",
                    m.reason(), kebab(chosen.onMissingCertificate()));
        } else {
            out.printf(
                    "  certificate: lookup unavailable (%s) -> 451%n",
                    ((Resolution.Unavailable) r).reason());
        }
    }

    private static String describe(PolicyConfig p) {
        return "action "
                + kebab(p.action())
                + (p.signs()
                        ? ", timestamp "
                                + kebab(p.timestamp())
                                + ", protect-headers "
                                + p.protectHeaders()
                        : "")
                + (p.action() == Action.ENCRYPT
                        ? ", on-missing-certificate " + kebab(p.onMissingCertificate())
                        : "")
                + p.maxAge().map(a -> ", max-age " + Keywords.duration(a)).orElse("")
                + p.deliveryTls().map(l -> ", delivery-tls " + kebab(l)).orElse("");
    }
}
