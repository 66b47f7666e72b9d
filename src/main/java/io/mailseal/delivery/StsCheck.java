package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the recipient domain's MTA-STS policy makes of one MX host's plan (RFC 8461 §4, §5). DANE
 * takes precedence (§2): a host that DANE authenticates or defers is left to DANE. Otherwise, under
 * {@code enforce}, a host the policy does not list is not used (the next MX may be; the mail waits
 * when none is listed), and a listed one is sent to only with STARTTLS and a certificate PKIX-valid
 * for its name ({@code verify}), never less whatever the mail's own level. Under {@code testing}
 * the mail goes at its own level and an unlisted host is reported in the log.
 */
final class StsCheck {
    private static final Logger log = LoggerFactory.getLogger(StsCheck.class);

    private StsCheck() {}

    static DaneLookup.Plan apply(NextHop hop, DaneLookup.Plan plan) {
        if (hop.sts().isEmpty() || !(plan instanceof DaneLookup.Plan.Level own)) {
            return plan;
        }
        StsPolicy policy = hop.sts().get();
        boolean listed = policy.lists(hop.name());
        if (policy.mode() == StsPolicy.Mode.ENFORCE) {
            if (!listed) {
                return new DaneLookup.Plan.Defer(
                        "4.7.5 MX host "
                                + hop.name()
                                + " is not listed in its domain's MTA-STS policy (mode enforce)");
            }
            return new DaneLookup.Plan.Level(
                    own.level().compareTo(TlsLevel.VERIFY) > 0 ? own.level() : TlsLevel.VERIFY);
        }
        if (!listed) {
            log.warn(
                    "MTA-STS testing: MX host {} is not listed in its domain's policy; sending"
                            + " anyway, as mode testing asks",
                    hop);
        }
        return plan;
    }
}
