package io.mailseal.demo;

import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Builder for any certificate under a {@link DemoPki}'s CA, including deliberately bad ones for
 * tests.
 */
public final class CertificateSpec {
    private final DemoPki pki;
    private final String address;
    private final KeyKind kind;
    private String commonName;
    private Instant notBefore;
    private Instant notAfter;
    private Integer keyUsage;
    private KeyPurposeId eku = KeyPurposeId.id_kp_emailProtection;
    private boolean ekuCritical;
    private String sanAddress;
    private String[] moreAddresses = new String[0];
    private Issued issuer;
    private final Map<ASN1ObjectIdentifier, ASN1Encodable> extensions = new LinkedHashMap<>();
    private String ocspUrl;
    private String crlUrl;
    private KeyPair keyPair;
    private boolean certificateAuthority;
    private String signatureAlgorithm;

    CertificateSpec(DemoPki pki, String address, KeyKind kind) {
        this.pki = pki;
        this.notBefore = pki.now().minus(Duration.ofHours(1));
        this.notAfter = pki.now().plus(Duration.ofDays(365));
        this.issuer = pki.ca();
        this.address = address;
        this.kind = kind;
        this.sanAddress = address;
        this.commonName = address;
    }

    public CertificateSpec commonName(String cn) {
        this.commonName = cn;
        return this;
    }

    public CertificateSpec validity(Instant from, Instant to) {
        this.notBefore = from;
        this.notAfter = to;
        return this;
    }

    public CertificateSpec keyUsage(int bits) {
        this.keyUsage = bits;
        return this;
    }

    /** null: no EKU extension at all. */
    public CertificateSpec eku(KeyPurposeId purpose) {
        this.eku = purpose;
        return this;
    }

    public CertificateSpec ekuCritical(boolean critical) {
        this.ekuCritical = critical;
        return this;
    }

    /** null: no subjectAltName (the address then appears only as the legacy emailAddress). */
    public CertificateSpec subjectAltName(String san) {
        this.sanAddress = san;
        return this;
    }

    /**
     * Further rfc822Names after the first in the subjectAltName (one certificate, several senders).
     */
    public CertificateSpec moreAddresses(String... addresses) {
        this.moreAddresses = addresses.clone();
        return this;
    }

    /** Authority Information Access with this OCSP responder URL (RFC 5280 §4.2.2.1). */
    public CertificateSpec ocspUrl(String url) {
        this.ocspUrl = url;
        return this;
    }

    /** CRL Distribution Points with this URL (RFC 5280 §4.2.1.13). */
    public CertificateSpec crlUrl(String url) {
        this.crlUrl = url;
        return this;
    }

    /** This key instead of a fresh one of the kind (e.g. RSA-1024 or a P-192 key for tests). */
    public CertificateSpec keyPair(KeyPair pair) {
        this.keyPair = pair;
        return this;
    }

    /** basicConstraints CA:TRUE, as a CA's own certificate has it. */
    public CertificateSpec certificateAuthority() {
        this.certificateAuthority = true;
        return this;
    }

    /** The issuer signs with this JCA algorithm (e.g. SHA1withRSA) instead of SHA-256. */
    public CertificateSpec signatureAlgorithm(String algorithm) {
        this.signatureAlgorithm = algorithm;
        return this;
    }

    /** Issued by a different, untrusted authority. */
    public CertificateSpec issuedBy(DemoPki other) {
        this.issuer = other.ca();
        return this;
    }

    /** Any further non-critical extension, e.g. S/MIME capabilities (RFC 4262). */
    public CertificateSpec extension(ASN1ObjectIdentifier oid, ASN1Encodable value) {
        extensions.put(oid, value);
        return this;
    }

    public Issued build() {
        try {
            KeyPair kp = keyPair != null ? keyPair : pki.keyPair(kind);
            String dn =
                    "CN="
                            + commonName
                            + ",O=mailseal demo"
                            + (sanAddress == null && address != null
                                    ? ",EMAILADDRESS=" + address
                                    : "");
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            issuer.certificate(),
                            pki.nextSerial(),
                            Date.from(notBefore),
                            Date.from(notAfter),
                            new X500Name(dn),
                            kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(
                    Extension.basicConstraints, true, new BasicConstraints(certificateAuthority));
            int ku =
                    keyUsage != null
                            ? keyUsage
                            : KeyUsage.digitalSignature
                                    | (kind == KeyKind.EC
                                            ? KeyUsage.keyAgreement
                                            : KeyUsage.keyEncipherment);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ku));
            if (eku != null) {
                b.addExtension(Extension.extendedKeyUsage, ekuCritical, new ExtendedKeyUsage(eku));
            }
            if (sanAddress != null) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(
                                java.util.stream.Stream.concat(
                                                java.util.stream.Stream.of(sanAddress),
                                                java.util.Arrays.stream(moreAddresses))
                                        .map(a -> new GeneralName(GeneralName.rfc822Name, a))
                                        .toArray(GeneralName[]::new)));
            }
            if (KeyPurposeId.id_kp_OCSPSigning.equals(eku)) {
                b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            }
            if (ocspUrl != null) {
                b.addExtension(
                        Extension.authorityInfoAccess,
                        false,
                        new AuthorityInformationAccess(
                                AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            if (crlUrl != null) {
                b.addExtension(
                        Extension.cRLDistributionPoints,
                        false,
                        new CRLDistPoint(
                                new DistributionPoint[] {
                                    new DistributionPoint(
                                            new DistributionPointName(
                                                    new GeneralNames(
                                                            new GeneralName(
                                                                    GeneralName
                                                                            .uniformResourceIdentifier,
                                                                    crlUrl))),
                                            null,
                                            null)
                                }));
            }
            b.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    ext.createAuthorityKeyIdentifier(issuer.certificate()));
            for (var e : extensions.entrySet()) {
                b.addExtension(e.getKey(), false, e.getValue());
            }
            return new Issued(
                    kp.getPrivate(),
                    signatureAlgorithm == null
                            ? DemoPki.sign(b, issuer.key())
                            : new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                                    .getCertificate(
                                            b.build(
                                                    new org.bouncycastle.operator.jcajce
                                                                    .JcaContentSignerBuilder(
                                                                    signatureAlgorithm)
                                                            .build(issuer.key()))));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a demo certificate", e);
        }
    }
}
