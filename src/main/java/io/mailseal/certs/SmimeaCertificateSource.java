package io.mailseal.certs;

import io.mailseal.dns.DnsAnswer;
import io.mailseal.dns.Security;
import io.mailseal.dns.ValidatingDns;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SMIMEARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Certificates published by the customer's mail provider in DNS (RFC 8162 SMIMEA), looked up
 * through the validating resolver. Only a DNSSEC-secure answer gives a certificate; an insecure one
 * is "not found" (anyone on the path could have written it), a bogus one or a failed lookup is
 * unavailable (temporary). Of the records, only a full certificate with usage DANE-EE (3: the
 * DNSSEC proof is the trust) or PKIX-EE (1: it must chain to the configured CAs as well) can be
 * encrypted to; DANE-EE records are used when there are any. A record that names a CA (usage 0 or
 * 2), holds only a public key (selector 1) or only a hash (matching type 1 or 2) is valid SMIMEA
 * but supplies no certificate: the reason says so.
 */
public final class SmimeaCertificateSource implements CertificateSource {
    /** RFC 8162 §3: the SHA-256 of the local part, truncated to 28 octets. */
    private static final int OWNER_HASH_HEX = 56;

    private static final String[] USAGES = {"PKIX-TA", "PKIX-EE", "DANE-TA", "DANE-EE"};
    private final ValidatingDns dns;

    public SmimeaCertificateSource(ValidatingDns dns) {
        this.dns = dns;
    }

    @Override
    public String name() {
        return "smimea";
    }

    /**
     * The owner name of {@code address}'s SMIMEA records: hex(SHA-256(local part))[0..56] + {@code
     * ._smimecert.} + domain. The local part is hashed as sent (UTF-8), without case folding.
     */
    static String ownerName(String address) {
        int at = address.lastIndexOf('@');
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(address.substring(0, at).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, OWNER_HASH_HEX)
                    + "._smimecert."
                    + address.substring(at + 1)
                    + ".";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public Lookup lookup(String address) {
        String owner = ownerName(address);
        Name name;
        try {
            name = Name.fromString(owner);
        } catch (TextParseException e) {
            return new Lookup.NotFound("SMIMEA: " + owner + " is not a DNS name");
        }
        DnsAnswer answer = dns.lookup(name, Type.SMIMEA);
        if (answer instanceof DnsAnswer.Bogus b) {
            return new Lookup.Unavailable(
                    "SMIMEA " + owner + ": DNSSEC validation failed (" + b.reason() + ")");
        }
        if (answer instanceof DnsAnswer.Failed f) {
            return new Lookup.Unavailable("SMIMEA " + owner + ": " + f.reason());
        }
        if (!(answer instanceof DnsAnswer.Records records) || records.records().isEmpty()) {
            return new Lookup.NotFound();
        }
        if (records.security() != Security.SECURE) {
            return new Lookup.NotFound(
                    "SMIMEA "
                            + owner
                            + " is DNSSEC insecure: not used (anyone on the path could"
                            + " have written it)");
        }
        return usable(owner, records);
    }

    private static Lookup usable(String owner, DnsAnswer.Records records) {
        List<X509Certificate> daneEe = new ArrayList<>();
        List<X509Certificate> pkixEe = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (Record r : records.records()) {
            SMIMEARecord s = (SMIMEARecord) r;
            Optional<String> why = noCertificate(s);
            if (why.isPresent()) {
                unusable.add(describe(s) + " " + why.get());
                continue;
            }
            try {
                X509Certificate c =
                        (X509Certificate)
                                CertificateFactory.getInstance("X.509")
                                        .generateCertificate(
                                                new ByteArrayInputStream(
                                                        s.getCertificateAssociationData()));
                (s.getCertificateUsage() == SMIMEARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE
                                ? daneEe
                                : pkixEe)
                        .add(c);
            } catch (CertificateException | ClassCastException e) {
                unusable.add(describe(s) + " holds no parseable certificate");
            }
        }
        if (!daneEe.isEmpty() || !pkixEe.isEmpty()) {
            boolean dane = !daneEe.isEmpty();
            return new Lookup.Found(
                    dane ? daneEe : pkixEe,
                    Optional.of(
                            new Lookup.DnsProof(
                                    "SMIMEA, DNSSEC secure ("
                                            + (dane ? "DANE-EE" : "PKIX-EE")
                                            + ")",
                                    !dane,
                                    records.ttl())));
        }
        return new Lookup.NotFound("SMIMEA " + owner + ": " + String.join("; ", unusable));
    }

    /** Why this record cannot be encrypted to, if it cannot. */
    private static Optional<String> noCertificate(SMIMEARecord s) {
        int usage = s.getCertificateUsage();
        if (usage != SMIMEARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE
                && usage != SMIMEARecord.CertificateUsage.SERVICE_CERTIFICATE_CONSTRAINT) {
            return Optional.of(
                    usage == SMIMEARecord.CertificateUsage.CA_CONSTRAINT
                                    || usage == SMIMEARecord.CertificateUsage.TRUST_ANCHOR_ASSERTION
                            ? "names a CA, not the customer's own certificate"
                            : "has an unknown usage");
        }
        if (s.getMatchingType() != SMIMEARecord.MatchingType.EXACT) {
            return Optional.of(
                    "holds only a hash of the certificate: it can check one, not supply one");
        }
        if (s.getSelector() != SMIMEARecord.Selector.FULL_CERTIFICATE) {
            return Optional.of("holds only a public key (SPKI), no certificate");
        }
        return Optional.empty();
    }

    private static String describe(SMIMEARecord s) {
        int usage = s.getCertificateUsage();
        return "record ("
                + (usage < USAGES.length ? USAGES[usage] : "usage " + usage)
                + " "
                + s.getSelector()
                + " "
                + s.getMatchingType()
                + ")";
    }
}
