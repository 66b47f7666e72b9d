package io.mailseal.app;

import io.mailseal.certs.HarvestStore;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.RelayConfig;
import io.mailseal.delivery.MtaSts;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.tsa.TimestampAuthorityClient;
import java.util.List;
import java.util.Optional;

/**
 * relay.conf after {@link RelayAssembly#validate}: every file it names opened and checked, ready to
 * build a relay from. Holds open certificate sources (LDAP pools): close it when it is not handed
 * on.
 *
 * @param intake one line on the intake's STARTTLS and AUTH, for check-config
 * @param breaker the circuits of the TSAs, OCSP and CRL servers and HTTP key services it calls
 * @param dns the validating resolver (its trust anchors read and checked); MX routing keeps the one
 *     of the start, certificate sources take the one of their stage
 * @param mtaSts MTA-STS for MX routing when {@code delivery.mta-sts.enabled} (its trust anchors
 *     read)
 * @param harvest the store of the harvest source (files or the shared database), empty without one
 * @param warnings what to fix soon (a certificate ending within 30 days), key and value named as in
 *     a problem; check-config prints them, run and reload log them at WARN
 */
public record ValidatedConfig(
        RelayConfig config,
        RecipientCertificates sources,
        SigningIdentities identities,
        TimestampAuthorityClient timestamps,
        OutboundTls outboundTls,
        Optional<String> adminToken,
        String intake,
        CircuitBreaker breaker,
        ValidatingDns dns,
        Optional<MtaSts> mtaSts,
        Optional<HarvestStore> harvest,
        List<String> warnings)
        implements AutoCloseable {

    public ValidatedConfig {
        warnings = List.copyOf(warnings);
    }

    @Override
    public void close() {
        sources.close();
    }
}
