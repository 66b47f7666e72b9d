package io.mailseal.certs;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the certificate to encrypt to: sources in order, the first that has certificates
 * for the address wins; of its candidates the valid one that expires last. If a source is
 * unavailable and no later source has a usable certificate, the answer is Unavailable —
 * a directory outage must not send every customer to SMS.
 */
public final class RecipientCertificates implements CertificateResolver, AutoCloseable {
    private final List<CertificateSource> sources;
    private final RecipientCertificateValidator validator;

    public RecipientCertificates(List<CertificateSource> sources, RecipientCertificateValidator validator) {
        this.sources = List.copyOf(sources);
        this.validator = validator;
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
                List<X509Certificate> valid = new ArrayList<>();
                for (X509Certificate c : found.certificates()) {
                    if (validator.validate(c, found.certificates(), address)
                            instanceof RecipientCertificateValidator.Invalid invalid) {
                        rejected.add(describe(c) + " " + invalid.reason());
                    } else {
                        valid.add(c);
                    }
                }
                if (!valid.isEmpty()) {
                    return new Resolution.Usable(valid.stream()
                            .max(Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow(), source.name());
                }
            }
        }
        if (outage != null) {
            return new Resolution.Unavailable(outage);
        }
        return new Resolution.Missing(rejected.isEmpty() ? "no certificate found"
                : String.join("; ", rejected));
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
