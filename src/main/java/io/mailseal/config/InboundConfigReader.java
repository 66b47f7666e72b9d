package io.mailseal.config;

import io.mailseal.config.InboundConfig.InboundPolicy;
import io.mailseal.config.InboundConfig.OnViolation;
import io.mailseal.config.InboundConfig.Requirement;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code mailseal.inbound}, absent when the bank takes no mail in through mailseal. The
 * listener and its protections are read by {@link SmtpConfigReader}, as {@code smtp} is.
 */
final class InboundConfigReader {
    private InboundConfigReader() {}

    static Optional<InboundConfig> read(ConfigSection root, SmtpConfig outbound) {
        if (!root.has("inbound")) {
            return Optional.empty();
        }
        ConfigSection s = root.section("inbound");
        SmtpConfig intake = SmtpConfigReader.readOpen(s, "0.0.0.0:2526");
        if (!s.has("next-hop")) {
            s.problem("next-hop", "is missing (host:port of the bank's internal mail server)");
        }
        HostPort nextHop = ConfigLoader.hostPort(s, "next-hop", "127.0.0.1:25");
        String authservId = s.string("authserv-id", intake.hostname());
        if (!authservId.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            s.problem(
                    "authserv-id",
                    s.value("authserv-id"),
                    "is not a host name (RFC 8601 §2.5: the authserv-id is a domain name)");
        }
        if (intake.listen().port() != 0
                && intake.listen().port() == outbound.listen().port()
                && intake.listen().host().equals(outbound.listen().host())) {
            s.problem(
                    "listen",
                    "\""
                            + intake.listen()
                            + "\" is also mailseal.smtp.listen: the two listeners need their own"
                            + " port");
        }
        List<InboundPolicy> policies = s.sections("policies", InboundConfigReader::policy);
        PolicyConfigReader.checkOrder(s, policies, InboundPolicy::name, InboundPolicy::match);
        s.finish();
        return Optional.of(new InboundConfig(intake, nextHop, authservId, policies));
    }

    private static InboundPolicy policy(ConfigSection s) {
        return new InboundPolicy(
                PolicyConfigReader.name(s),
                PolicyConfigReader.match(s.section("match")),
                s.choice("require", Requirement.NONE),
                s.choice("on-violation", OnViolation.REJECT));
    }
}
