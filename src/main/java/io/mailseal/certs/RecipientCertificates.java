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
            } else if (lookup instanceof Lookup.Found found) {
                Map<X509Certificate, X509Certificate> valid = new LinkedHashMap<>();
                for (X509Certificate c : found.certificates()) {
                    RecipientCertificateValidator.Validation v =
                            validator.validate(c, found.certificates(), address);
                    if (v instanceof RecipientCertificateValidator.Invalid invalid) {
                        rejected.add(describe(c) + " " + invalid.reason());
                    } else {
                        valid.put(c, ((RecipientCertificateValidator.Valid) v).issuer());
                    }
                }
                // the one that expires last, unless revoked: then the next
                List<X509Certificate> byExpiry =
                        valid.keySet().stream()
                                .sorted(
                                        Comparator.comparing(X509Certificate::getNotAfter)
                                                .reversed())
                                .toList();
                for (X509Certificate c : byExpiry) {
                    RevocationStatus status = revocation.check(c, valid.get(c));
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
                        return new Resolution.Usable(c, source.name());
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
