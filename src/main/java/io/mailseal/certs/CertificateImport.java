package io.mailseal.certs;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds the harvest store ({@code mailseal certs import}; the inbound flow will hand it customers'
 * mail): a harvested certificate is stored only when the validator would let mail be encrypted to
 * it now, so a forged or unusable certificate never replaces a customer's good one.
 */
public final class CertificateImport {
    private final HarvestStore store;
    private final RecipientCertificateValidator validator;
    private final CertificateHarvester harvester = new CertificateHarvester();

    /** What became of one address, or of a whole file when no address could be taken from it. */
    public record Outcome(String address, boolean imported, String detail) {}

    public CertificateImport(HarvestStore store, RecipientCertificateValidator validator) {
        this.store = store;
        this.validator = validator;
    }

    /**
     * A signed mail (.eml) or a certificate file (PEM or DER); {@code origin} names it in outcomes.
     */
    public List<Outcome> importData(byte[] data, String origin) throws IOException {
        try {
            return importAll(harvester.harvest(data, origin));
        } catch (CertificateHarvester.Refused e) {
            return List.of(new Outcome(null, false, e.getMessage()));
        }
    }

    private List<Outcome> importAll(List<Harvest> harvests) throws IOException {
        List<Outcome> out = new ArrayList<>();
        for (Harvest h : harvests) {
            CertificateSource candidate =
                    new CertificateSource() {
                        @Override
                        public String name() {
                            return "import";
                        }

                        @Override
                        public Lookup lookup(String address) {
                            return new Lookup.Found(h.certificates());
                        }
                    };
            Resolution r =
                    new RecipientCertificates(List.of(candidate), validator).resolve(h.address());
            if (r instanceof Resolution.Usable u) {
                store.store(h);
                out.add(
                        new Outcome(
                                h.address(),
                                true,
                                describe(u.certificate())
                                        + "; capabilities: "
                                        + h.capabilities()
                                                .map(SenderCapabilities::describe)
                                                .orElse("none announced")));
            } else {
                out.add(
                        new Outcome(
                                h.address(),
                                false,
                                r instanceof Resolution.Missing m
                                        ? m.reason()
                                        : ((Resolution.Unavailable) r).reason()));
            }
        }
        return out;
    }

    /** Subject, serial (hex) and end of validity, for a person reading which certificate. */
    public static String describe(X509Certificate c) {
        return c.getSubjectX500Principal().getName()
                + ", serial "
                + c.getSerialNumber().toString(16)
                + ", valid until "
                + c.getNotAfter().toInstant();
    }
}
