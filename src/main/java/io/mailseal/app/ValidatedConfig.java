package io.mailseal.app;

import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.RelayConfig;
import io.mailseal.delivery.OutboundTls;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.tsa.TimestampAuthorityClient;
import java.util.Optional;

/**
 * relay.conf after {@link RelayAssembly#validate}: every file it names opened and checked, ready to
 * build a relay from. Holds open certificate sources (LDAP pools): close it when it is not handed
 * on.
 *
 * @param intake one line on the intake's STARTTLS and AUTH, for check-config
 * @param breaker the circuits of the TSAs, OCSP and CRL servers and HTTP key services it calls
 */
public record ValidatedConfig(
        RelayConfig config,
        RecipientCertificates sources,
        SigningIdentities identities,
        TimestampAuthorityClient timestamps,
        OutboundTls outboundTls,
        Optional<String> adminToken,
        String intake,
        CircuitBreaker breaker)
        implements AutoCloseable {

    @Override
    public void close() {
        sources.close();
    }
}
