package io.mailseal.config;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.PolicyConfig.Action;
import io.mailseal.config.PolicyConfig.HeaderCondition;
import io.mailseal.config.PolicyConfig.Match;
import io.mailseal.config.PolicyConfig.MissingCertificate;
import io.mailseal.config.PolicyConfig.TimestampMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/** Reads {@code policies = [ ... ]}; first match wins, so shadowed rules are errors. */
final class PolicyConfigReader {
    private PolicyConfigReader() {}

    static List<PolicyConfig> read(ConfigSection root) {
        List<PolicyConfig> policies = root.sections("policies", PolicyConfigReader::policy);
        checkOrder(root, policies, PolicyConfig::name, PolicyConfig::match);
        return policies;
    }

    /** Names are unique; a policy without match catches everything, so it must come last. */
    static <T> void checkOrder(
            ConfigSection parent,
            List<T> policies,
            Function<T, String> nameOf,
            Function<T, Match> matchOf) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < policies.size(); i++) {
            T p = policies.get(i);
            if (!names.add(nameOf.apply(p))) {
                parent.problem(
                        "policies[" + i + "].name",
                        "\"" + nameOf.apply(p) + "\" is used by an earlier policy");
            }
            if (matchOf.apply(p).isEmpty() && i < policies.size() - 1) {
                parent.problem(
                        "policies[" + (i + 1) + "]",
                        "is never reached: policy \""
                                + nameOf.apply(p)
                                + "\" before it has no match and catches every recipient");
            }
        }
    }

    private static PolicyConfig policy(ConfigSection s) {
        String name = name(s);
        Action action = s.choice("action", Action.PASS);
        if (!s.has("action")) {
            s.problem("action", "is missing (encrypt | sign | pass | reject)");
        }
        boolean seals = action == Action.ENCRYPT || action == Action.SIGN;
        return new PolicyConfig(
                name,
                match(s.section("match")),
                action,
                s.choice("timestamp", seals ? TimestampMode.REQUIRED : TimestampMode.OFF),
                s.bool("protect-headers", seals),
                s.choice("on-missing-certificate", MissingCertificate.REJECT),
                s.string("outer-subject", "[...]"),
                s.strings("hide-headers", HIDDEN_BY_DEFAULT).stream()
                        .map(TextPatterns::glob)
                        .toList(),
                java.util.Optional.ofNullable(
                        s.has("max-age") ? s.duration("max-age", null) : null),
                // a bad value is reported; the strictest level stands in so that it adds no second
                // problem
                java.util.Optional.ofNullable(
                        s.has("delivery-tls") ? s.choice("delivery-tls", TlsLevel.VERIFY) : null),
                s.bool("allow-signer-mismatch", false));
    }

    /**
     * What the outside of an encrypted message does not show unless a policy says otherwise: vendor
     * fields (Exchange copies the real Subject into Thread-Topic) and the free-text fields RFC
     * 9788's baseline obscures (Keywords, Comments).
     */
    static final List<String> HIDDEN_BY_DEFAULT =
            List.of("X-*", "Thread-Topic", "Thread-Index", "Keywords", "Comments");

    /** {@code name}: letters, digits, . _ -; not the name DSNs go under. */
    static String name(ConfigSection s) {
        String name = s.string("name", null);
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
            s.problem(
                    "name",
                    name == null
                            ? "is missing"
                            : "\"" + name + "\" must be letters, digits, . _ -");
            return name == null ? "unnamed" : name;
        } else if (name.equalsIgnoreCase(PolicyConfig.DSN)) {
            s.problem(
                    "name",
                    "\""
                            + name
                            + "\" is reserved: the relay's own delivery status notifications go under it");
        }
        return name;
    }

    static Match match(ConfigSection m) {
        List<HeaderCondition> headers = new ArrayList<>();
        m.stringMap("headers")
                .forEach(
                        (header, value) -> {
                            try {
                                headers.add(
                                        new HeaderCondition(
                                                header, TextPatterns.globOrRegex(value)));
                            } catch (PatternSyntaxException e) {
                                m.problem(
                                        "headers." + header,
                                        "\""
                                                + value
                                                + "\" is not a valid regex: "
                                                + e.getDescription());
                            }
                        });
        Match match =
                new Match(
                        TextPatterns.read(m, "from", false),
                        TextPatterns.read(m, "header-from", false),
                        TextPatterns.read(m, "to", false),
                        TextPatterns.read(m, "subject", true),
                        List.copyOf(headers));
        m.finish();
        return match;
    }
}
