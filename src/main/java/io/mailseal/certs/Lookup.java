package io.mailseal.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What one certificate source answered for one address. An outage is never "not found". */
public sealed interface Lookup {

    /**
     * @param proof present when DNSSEC-secure DNS published them (SMIMEA)
     */
    record Found(List<X509Certificate> certificates, Optional<DnsProof> proof) implements Lookup {
        public Found {
            certificates = List.copyOf(certificates);
        }

        public Found(List<X509Certificate> certificates) {
            this(certificates, Optional.empty());
        }
    }

    /**
     * Certificates a DNSSEC-secure answer vouches for.
     *
     * @param description how {@code lookup} and {@code explain} name where it came from, e.g.
     *     "SMIMEA, DNSSEC secure (DANE-EE)"
     * @param pkixRequired the record's usage asks for a chain to the configured CAs as well
     *     (PKIX-EE); otherwise the DNSSEC proof is the trust (DANE-EE): no path, no revocation
     *     check (withdrawing the record withdraws the certificate)
     * @param ttl how long the answer holds: the cache keeps it no longer
     */
    record DnsProof(String description, boolean pkixRequired, Duration ttl) {}

    /**
     * @param reason why what the source has is not a certificate for this address (an SMIMEA record
     *     that holds only a hash); empty when it simply has nothing
     */
    record NotFound(String reason) implements Lookup {
        public NotFound() {
            this("");
        }
    }

    record Unavailable(String reason) implements Lookup {}
}
