package io.mailseal.smtp;

import io.mailseal.certs.Resolution;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.PolicyConfig.Action;
import io.mailseal.policy.MessageFacts;
import io.mailseal.policy.PolicyEngine.Evaluation;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/** {@code mailseal explain}: what the relay would decide for one message, and why. */
public final class Explanation {
    private Explanation() {
    }

    public static void print(RelayComponents c, MessageFacts facts, List<String> recipients, PrintWriter out) {
        for (String rcpt : recipients) {
            out.printf("recipient <%s>%n", rcpt);
            List<Evaluation> evaluations = c.policies().explain(facts, rcpt);
            for (Evaluation e : evaluations) {
                out.printf("  policy %-14s %s%n", e.policy().name(), e.mismatch().map(m -> "no: " + m)
                        .orElse("MATCH: " + describe(e.policy())));
            }
            PolicyConfig chosen = evaluations.get(evaluations.size() - 1).policy();
            if (chosen.action() == Action.ENCRYPT) {
                Resolution r = c.certificates().resolve(rcpt);
                if (r instanceof Resolution.Usable u) {
                    X509Certificate cert = u.certificate();
                    out.printf("  certificate: %s, serial %s, valid until %s, from %s%n",
                            cert.getSubjectX500Principal().getName(), cert.getSerialNumber().toString(16),
                            cert.getNotAfter().toInstant(), u.source());
                } else if (r instanceof Resolution.Missing m) {
                    out.printf("  certificate: none usable (%s) -> %s%n", m.reason(),
                            kebab(chosen.onMissingCertificate()));
                } else {
                    out.printf("  certificate: lookup unavailable (%s) -> 451%n", ((Resolution.Unavailable) r).reason());
                }
            }
        }
        out.printf("signing identity for <%s>: %s%n", facts.envelopeFrom(), c.identities().forSender(facts.envelopeFrom())
                .map(i -> i.certificate().getSubjectX500Principal().getName()).orElse("none"));
        out.printf("reply: %s%n", c.pipeline().predictReply(facts, recipients));
    }

    private static String describe(PolicyConfig p) {
        return "action " + kebab(p.action()) + (p.action() == Action.ENCRYPT || p.action() == Action.SIGN
                ? ", timestamp " + kebab(p.timestamp()) + ", protect-headers " + p.protectHeaders() : "")
                + (p.action() == Action.ENCRYPT ? ", on-missing-certificate " + kebab(p.onMissingCertificate()) : "")
                + p.maxAge().map(a -> ", max-age " + a).orElse("")
                + p.deliveryTls().map(l -> ", delivery-tls " + kebab(l)).orElse("");
    }

    private static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
