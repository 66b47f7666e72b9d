package io.mailseal.app;

import static io.mailseal.config.Keywords.kebab;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.PolicyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Which signing policies' senders have no signing identity, found from relay.conf alone (part of
 * {@link RelayAssembly#validate}; {@link IdentityChecks} uses the same representative sender).
 */
final class SigningPolicyGaps {
    private SigningPolicyGaps() {}

    /**
     * Signing policies whose sender has no signing identity: such mail would get 550 "no signing
     * identity" for a fault of the configuration. A literal sender needs an identity for it; {@code
     * *@domain} one for the domain; any other sender at least one identity.
     */
    static List<String> of(List<PolicyConfig> policies, SigningIdentities identities) {
        List<String> gaps = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            PolicyConfig p = policies.get(i);
            if (!p.signs()) {
                continue;
            }
            String key = "mailseal.policies[" + i + "]";
            String from = p.match().from().map(PolicyConfig.TextPattern::text).orElse("");
            String sender = representativeSender(from);
            if (sender != null && identities.certificateFor(sender).isEmpty()) {
                gaps.add(
                        key
                                + ".match.from: \""
                                + from
                                + "\" (policy "
                                + p.name()
                                + ", action "
                                + kebab(p.action())
                                + ") has no signing identity"
                                + (from.startsWith("*@") ? " for the domain" : "")
                                + " in mailseal.identities");
            } else if (sender == null && identities.entries().isEmpty()) {
                gaps.add(key + ": policy " + p.name() + " signs, but mailseal.identities is empty");
            }
        }
        return gaps;
    }

    /**
     * A sender that picks the same identity as every sender {@code from} matches: the address
     * itself, {@code postmaster@domain} for {@code *@domain}; null when the senders are known only
     * at run time (no {@code from}, another glob, a regex).
     */
    static String representativeSender(String from) {
        if (from.matches("[^*?/]+@[^*?/]+")) {
            return from;
        }
        return from.matches("\\*@[^*?/@]+") ? "postmaster" + from.substring(1) : null;
    }
}
