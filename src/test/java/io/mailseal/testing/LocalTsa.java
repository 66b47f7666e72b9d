package io.mailseal.testing;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * An RFC 3161 authority in the test's own process (no HTTP): tokens signed by a TSA certificate of
 * a {@link DemoPki}, at the time of a clock the test may move.
 */
public final class LocalTsa implements TimestampAuthority {
    private final DemoPki pki;
    private final DemoPki.Issued tsa;
    private final Clock clock;
    private final AtomicLong serial = new AtomicLong();

    public LocalTsa(Clock clock) {
        this.pki = new DemoPki(clock, "Test TSA Root");
        this.tsa = pki.timestampAuthority("Test TSA");
        this.clock = clock;
    }

    /** The TSA's root, to verify its tokens with. */
    public Set<TrustAnchor> anchors() {
        return Set.of(new TrustAnchor(pki.ca().certificate(), null));
    }

    public X509Certificate root() {
        return pki.ca().certificate();
    }

    @Override
    public TimeStampToken stamp(byte[] data) {
        try {
            return token(
                    tsa.key(),
                    tsa.certificate(),
                    MessageDigest.getInstance("SHA-256").digest(data),
                    clock.instant(),
                    BigInteger.valueOf(serial.incrementAndGet()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token by {@code cert} over {@code imprint} (a SHA-256) at {@code genTime}. */
    public static TimeStampToken token(
            PrivateKey key,
            X509Certificate cert,
            byte[] imprint,
            Instant genTime,
            BigInteger serial)
            throws Exception {
        TimeStampTokenGenerator gen =
                new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", key, cert),
                        new JcaDigestCalculatorProviderBuilder()
                                .build()
                                .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                        EmbeddedTsa.DEMO_POLICY);
        gen.addCertificates(new JcaCertStore(List.of(cert)));
        TimeStampRequestGenerator req = new TimeStampRequestGenerator();
        req.setCertReq(true);
        return gen.generate(
                req.generate(TSPAlgorithms.SHA256, imprint), serial, Date.from(genTime));
    }
}
