package io.mailseal.delivery;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.dns.DnsAnswer;
import io.mailseal.dns.Security;
import io.mailseal.dns.ValidatingDns;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What {@code tls = dane} means for one MX host (RFC 7672 §2.2, as Postfix's {@code dane} level):
 * TLSA records are looked up only for a host whose MX and address records were DNSSEC secure, at
 * {@code _PORT._tcp.HOST}. Usable secure records: authenticate against them. None: the mail's level
 * without DANE. A secure RRset of only unusable records (PKIX-TA/PKIX-EE, which RFC 7672 §3.1.3
 * tells SMTP clients not to use, or unknown parameters): TLS still mandatory, unauthenticated
 * ({@code encrypt}). A bogus or failed lookup: this host is not used now (the next MX may be).
 */
final class DaneLookup {
    /** What to do with one host. */
    sealed interface Plan {
        /** Send at {@code level} (the mail's level without DANE, or {@code encrypt}). */
        record Level(TlsLevel level) implements Plan {}

        /** STARTTLS required, the certificate must match one of {@code records}. */
        record Authenticate(List<TLSARecord> records) implements Plan {}

        /** Do not use this host now. */
        record Defer(String reason) implements Plan {}
    }

    private final ValidatingDns dns;

    DaneLookup(ValidatingDns dns) {
        this.dns = dns;
    }

    /**
     * @param fallback the level the mail has without DANE
     */
    Plan plan(NextHop hop, TlsLevel fallback) {
        if (!hop.secure()) {
            return new Plan.Level(fallback);
        }
        String owner = "_" + hop.port() + "._tcp." + hop.name() + ".";
        DnsAnswer answer;
        try {
            answer = dns.lookup(Name.fromString(owner), Type.TLSA);
        } catch (TextParseException e) {
            return new Plan.Defer("4.7.5 TLSA owner " + owner + " is not a DNS name");
        }
        if (answer instanceof DnsAnswer.Bogus b) {
            return new Plan.Defer(
                    "4.7.5 TLSA lookup of "
                            + owner
                            + ": DNSSEC validation failed ("
                            + b.reason()
                            + ")");
        }
        if (answer instanceof DnsAnswer.Failed f) {
            return new Plan.Defer("4.4.3 TLSA lookup of " + owner + ": " + f.reason());
        }
        if (!(answer instanceof DnsAnswer.Records r)
                || r.records().isEmpty()
                || r.security() != Security.SECURE) {
            return new Plan.Level(fallback);
        }
        List<TLSARecord> usable =
                r.records().stream()
                        .map(TLSARecord.class::cast)
                        .filter(DaneLookup::usable)
                        .toList();
        return usable.isEmpty() ? new Plan.Level(TlsLevel.ENCRYPT) : new Plan.Authenticate(usable);
    }

    private static boolean usable(Record record) {
        TLSARecord t = (TLSARecord) record;
        int usage = t.getCertificateUsage();
        return (usage == TLSARecord.CertificateUsage.TRUST_ANCHOR_ASSERTION
                        || usage == TLSARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE)
                && t.getSelector() <= TLSARecord.Selector.SUBJECT_PUBLIC_KEY_INFO
                && t.getMatchingType() <= TLSARecord.MatchingType.SHA512;
    }
}
