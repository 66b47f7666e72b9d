package io.mailseal.demo;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for the demo and the tests: a root CA and the certificates a
 * bank deployment has (signer, customers, TSA, OCSP responder), CRLs, plus deliberately bad ones.
 * Nothing here is meant for production; keys live in memory until written out.
 */
public final class DemoPki {
    public enum KeyKind {
        RSA,
        EC
    }

    /** A key and its certificate. */
    public record Issued(PrivateKey key, X509Certificate certificate) {}

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong serial = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);
    private final Issued ca;

    public DemoPki(Clock clock, String caName) {
        this.clock = clock;
        try {
            KeyPair kp = keyPair(KeyKind.RSA);
            X500Name name = new X500Name("CN=" + caName + ",O=mailseal demo");
            Instant now = clock.instant();
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            name,
                            nextSerial(),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(3650))),
                            name,
                            kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    ext.createSubjectKeyIdentifier(kp.getPublic()));
            ca = new Issued(kp.getPrivate(), sign(b, kp.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the demo CA", e);
        }
    }

    Instant now() {
        return clock.instant();
    }

    public Issued ca() {
        return ca;
    }

    /** A customer's encryption certificate (S/MIME, RFC 8550 profile). */
    public Issued customer(String address, KeyKind kind) {
        return certificate(address, kind).build();
    }

    /** The bank's signing certificate, naming {@code address} and any {@code moreAddresses}. */
    public Issued signer(String address, KeyKind kind, String... moreAddresses) {
        return certificate(address, kind)
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .moreAddresses(moreAddresses)
                .build();
    }

    /** A TSA certificate: the timeStamping EKU, critical and alone (RFC 3161 §2.3). */
    public Issued timestampAuthority(String name) {
        return certificate(null, KeyKind.RSA)
                .commonName(name)
                .keyUsage(KeyUsage.digitalSignature)
                .eku(KeyPurposeId.id_kp_timeStamping)
                .ekuCritical(true)
                .build();
    }

    /**
     * A delegated OCSP responder (RFC 6960 §4.2.2.2): id-kp-OCSPSigning, and id-pkix-ocsp-nocheck
     * so a client does not ask about the responder's own certificate (§4.2.2.2.1).
     */
    public Issued ocspResponder(String name) {
        return certificate(null, KeyKind.RSA)
                .commonName(name)
                .keyUsage(KeyUsage.digitalSignature)
                .eku(KeyPurposeId.id_kp_OCSPSigning)
                .build();
    }

    /**
     * A CRL signed by this CA (RFC 5280 §5) listing {@code revoked} serials with their revocation
     * times, reason keyCompromise. DER.
     */
    public byte[] crl(Instant thisUpdate, Instant nextUpdate, Map<BigInteger, Instant> revoked) {
        try {
            X509v2CRLBuilder b =
                    new JcaX509v2CRLBuilder(
                            ca.certificate().getSubjectX500Principal(), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            revoked.forEach(
                    (serialNumber, when) ->
                            b.addCRLEntry(serialNumber, Date.from(when), CRLReason.keyCompromise));
            b.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            b.addExtension(
                    Extension.cRLNumber,
                    false,
                    new org.bouncycastle.asn1.x509.CRLNumber(nextSerial()));
            return b.build(signer(ca.key())).getEncoded();
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a demo CRL", e);
        }
    }

    /** Builder for any certificate under this CA, including deliberately bad ones for tests. */
    public CertificateSpec certificate(String address, KeyKind kind) {
        return new CertificateSpec(this, address, kind);
    }

    /**
     * A TLS server certificate (serverAuth) for a next hop: {@code names} are DNS names or IP
     * address literals, each put in the subjectAltName as such.
     */
    public Issued server(Instant notAfter, String... names) {
        try {
            KeyPair kp = keyPair(KeyKind.RSA);
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            ca.certificate(),
                            nextSerial(),
                            Date.from(clock.instant().minus(Duration.ofDays(2))),
                            Date.from(notAfter),
                            new X500Name("CN=" + names[0] + ",O=mailseal demo"),
                            kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            GeneralName[] san =
                    java.util.Arrays.stream(names)
                            .map(
                                    n ->
                                            new GeneralName(
                                                    n.matches("[0-9.]+|.*:.*")
                                                            ? GeneralName.iPAddress
                                                            : GeneralName.dNSName,
                                                    n))
                            .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            return new Issued(kp.getPrivate(), sign(b, ca.key()));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a demo server certificate", e);
        }
    }

    KeyPair keyPair(KeyKind kind) throws GeneralSecurityException {
        if (kind == KeyKind.EC) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, random);
        return g.generateKeyPair();
    }

    BigInteger nextSerial() {
        return BigInteger.valueOf(serial.incrementAndGet())
                .shiftLeft(32)
                .or(BigInteger.valueOf(random.nextInt() & 0x7FFFFFFF));
    }

    static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, java.security.cert.CertificateException {
        return new JcaX509CertificateConverter().getCertificate(b.build(signer(key)));
    }

    /** SHA-256 with the key's own algorithm; also signs the tests' OCSP responses. */
    public static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(
                        "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA")
                .build(key);
    }
}
