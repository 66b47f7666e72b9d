package io.mailseal.certs;

import io.mailseal.config.CertificatesConfig;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the certificate to encrypt to: sources in order, the first that has certificates for the
 * address wins; of its candidates the valid, unrevoked one that expires last. If a source is
 * unavailable and no later source has a usable certificate, the answer is Unavailable — a directory
 * outage must not send every customer to SMS.
 */
public final class RecipientCertificates implements CertificateResolver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecipientCertificates.class);
    private final List<CertificateSource> sources;
    private final RecipientCertificateValidator validator;
    private final RevocationChecker revocation;
    private final Runnable revocationUnknown;

    /**
     * @param revocationUnknown told each time a certificate is used without a revocation answer
     *     ({@code soft-fail}), for the metric
     */
    public RecipientCertificates(
            List<CertificateSource> sources,
            RecipientCertificateValidator validator,
            RevocationChecker revocation,
            Runnable revocationUnknown) {
        this.sources = List.copyOf(sources);
        this.validator = validator;
        this.revocation = revocation;
        this.revocationUnknown = revocationUnknown;
    }

    /**
     * Without revocation checks: for {@code certs import}, which checks what it stores, not what it
     * sends.
     */
    public RecipientCertificates(
            List<CertificateSource> sources, RecipientCertificateValidator validator) {
        this(
                sources,
                validator,
                new RevocationChecker(
                        CertificatesConfig.Revocation.OFF,
                        Duration.ofSeconds(1),
                        Clock.systemUTC()),
                () -> {});
    }

    @Override
    public Resolution resolve(String address) {
        String outage = null;
        List<String> rejected = new ArrayList<>();
        for (CertificateSource source : sources) {
            Lookup lookup = source.lookup(address);
            if (lookup instanceof Lookup.Unavailable u) {
                outage = outage == null ? source.name() + ": " + u.reason() : outage;
            } else if (lookup instanceof Lookup.NotFound n && !n.reason().isEmpty()) {
                rejected.add(n.reason());
            } else if (lookup instanceof Lookup.Found found) {
                Map<X509Certificate, Optional<X509Certificate>> valid =
                        candidates(found, address, rejected);
                // the one that expires last, unless revoked: then the next
                List<X509Certificate> byExpiry =
                        valid.keySet().stream()
                                .sorted(
                                        Comparator.comparing(X509Certificate::getNotAfter)
                                                .reversed())
                                .toList();
                for (X509Certificate c : byExpiry) {
                    // DANE-EE: no issuer to ask; the record is withdrawn instead
                    RevocationStatus status =
                            valid.get(c)
                                    .map(issuer -> revocation.check(c, issuer))
                                    .orElse(new RevocationStatus.Good("DNSSEC", Optional.empty()));
                    if (status instanceof RevocationStatus.Revoked r) {
                        rejected.add(describe(c) + " " + r.how());
                    } else if (status instanceof RevocationStatus.Unknown u
                            && revocation.mode() == CertificatesConfig.Revocation.HARD_FAIL) {
                        outage =
                                outage == null
                                        ? "revocation status unknown for "
                                                + describe(c)
                                                + ": "
                                                + u.why()
                                        : outage;
                    } else {
                        if (status instanceof RevocationStatus.Unknown u) {
                            log.warn(
                                    "recipient={} {} used without a revocation answer (soft-fail): {}",
                                    address,
                                    describe(c),
                                    u.why());
                            revocationUnknown.run();
                        }
                        return new Resolution.Usable(
                                c,
                                found.proof()
                                        .map(Lookup.DnsProof::description)
                                        .orElse(source.name()),
                                found.proof().map(Lookup.DnsProof::ttl));
                    }
                }
            }
        }
        if (outage != null) {
            return new Resolution.Unavailable(outage);
        }
        return new Resolution.Missing(
                rejected.isEmpty() ? "no certificate found" : String.join("; ", rejected));
    }

    /**
     * The fit ones among what a source found, each with its issuer for the revocation check (none
     * when a DANE-EE record vouches for it); why the others are not, into {@code rejected}.
     */
    private Map<X509Certificate, Optional<X509Certificate>> candidates(
            Lookup.Found found, String address, List<String> rejected) {
        boolean pkix = found.proof().map(Lookup.DnsProof::pkixRequired).orElse(true);
        Map<X509Certificate, Optional<X509Certificate>> valid = new LinkedHashMap<>();
        for (X509Certificate c : found.certificates()) {
            if (!pkix) {
                String unfit = validator.unfit(c, address);
                if (unfit == null) {
                    valid.put(c, Optional.empty());
                } else {
                    rejected.add(describe(c) + " " + unfit);
                }
                continue;
            }
            RecipientCertificateValidator.Validation v =
                    validator.validate(c, found.certificates(), address);
            if (v instanceof RecipientCertificateValidator.Invalid invalid) {
                rejected.add(describe(c) + " " + invalid.reason());
            } else {
                valid.put(c, Optional.of(((RecipientCertificateValidator.Valid) v).issuer()));
            }
        }
        return valid;
    }

    /** Releases sources that hold connections (LDAP pools). */
    @Override
    public void close() {
        for (CertificateSource s : sources) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing a pool cannot lose mail; nothing to do
                }
            }
        }
    }

    private static String describe(X509Certificate c) {
        return "certificate serial " + c.getSerialNumber().toString(16);
    }
}
