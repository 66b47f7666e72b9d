package io.mailseal.crypto;

import io.mailseal.config.PolicyConfig.TimestampMode;
import java.time.Duration;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CAdES-T (ETSI EN 319 122-1 §5.3): the RFC 3161 token over the signature value, as the unsigned
 * attribute id-aa-signatureTimeStampToken (RFC 3161 Appendix A), per policy mode.
 */
public final class SignatureTimestamps {
    private static final Logger log = LoggerFactory.getLogger(SignatureTimestamps.class);
    private final TimestampAuthority authority;
    private final Runnable onSkipped;
    private final Consumer<Duration> onStamped;

    /**
     * @param onSkipped told when a best-effort stamp could not be had (a metric)
     * @param onStamped told how long each token took to get (a timer)
     */
    public SignatureTimestamps(
            TimestampAuthority authority, Runnable onSkipped, Consumer<Duration> onStamped) {
        this.authority = authority;
        this.onSkipped = onSkipped;
        this.onStamped = onStamped;
    }

    public SignatureStamp forMode(TimestampMode mode) {
        return switch (mode) {
            case OFF -> SignatureStamp.NONE;
            case REQUIRED -> signature -> attribute(timed(signature));
            case BEST_EFFORT ->
                    signature -> {
                        try {
                            return attribute(timed(signature));
                        } catch (TimestampUnavailableException e) {
                            log.warn("sent without timestamp (best-effort): {}", e.getMessage());
                            onSkipped.run();
                            return null;
                        }
                    };
        };
    }

    private TimeStampToken timed(byte[] signature) throws TimestampUnavailableException {
        long start = System.nanoTime();
        TimeStampToken token = authority.stamp(signature);
        onStamped.accept(Duration.ofNanos(System.nanoTime() - start));
        return token;
    }

    /** The token's ContentInfo as parsed from the TSA's reply: no encode and re-parse per mail. */
    private static AttributeTable attribute(TimeStampToken token) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(
                new Attribute(
                        PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                        new DERSet(token.toCMSSignedData().toASN1Structure())));
        return new AttributeTable(v);
    }
}
