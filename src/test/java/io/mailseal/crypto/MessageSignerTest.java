package io.mailseal.crypto;

import static io.mailseal.crypto.MailFixtures.BODY;
import static io.mailseal.crypto.MailFixtures.BODY_QP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMEAttributes;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The clear-signed message (RFC 8551 §3.5.3) from a signer under an intermediate CA, as a bank's
 * issuing CA would be: attributes, chain, headers, and the unsigned-attribute hook.
 */
class MessageSignerTest {
    /** A private-arc OID, so the reader does not mistake the dummy for a timestamp token. */
    static final ASN1ObjectIdentifier DUMMY = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1");

    static DemoPki pki;
    static DemoPki.Issued intermediate;
    static final MessageSealer sealer = new MessageSealer();

    @TempDir Path dir;

    @BeforeAll
    static void pki() throws Exception {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "signer root CA");
        intermediate = issue(pki.ca(), "CN=bank issuing CA", KeyKind.RSA, null);
    }

    private static SigningIdentity bank(KeyKind kind) throws Exception {
        DemoPki.Issued signer =
                issue(intermediate, "CN=otp@bank.example", kind, "otp@bank.example");
        return MailFixtures.identity(signer, intermediate.certificate());
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void signsWithTheAttributesAndChainAClientNeeds(KeyKind kind) throws Exception {
        SigningIdentity bank = bank(kind);
        MimeMessage signed =
                sealer.sign(
                        MailFixtures.otpMail("kunde@beispiel.example"),
                        bank,
                        SignatureStamp.NONE,
                        HeaderProtection.NONE);

        ContentType type = new ContentType(signed.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/signed");
        assertThat(type.getParameter("protocol")).isEqualTo("application/pkcs7-signature");
        assertThat(type.getParameter("micalg")).isEqualTo("sha-256");

        SMIMESigned smime = new SMIMESigned((MimeMultipart) signed.getContent());
        SignerInformation si = smime.getSignerInfos().getSigners().iterator().next();
        assertThat(si.getDigestAlgOID()).isEqualTo(CMSAlgorithm.SHA256.getId());
        assertThat(si.getEncryptionAlgOID())
                .isEqualTo(kind == KeyKind.EC ? "1.2.840.10045.4.3.2" : "1.2.840.113549.1.1.11");
        AttributeTable attrs = si.getSignedAttributes();
        assertThat(attrs.get(CMSAttributes.contentType)).isNotNull();
        assertThat(attrs.get(CMSAttributes.messageDigest)).isNotNull();
        assertThat(attrs.get(CMSAttributes.signingTime)).isNotNull();
        assertThat(capabilities(attrs))
                .containsExactly(
                        CMSAlgorithm.AES256_GCM,
                        CMSAlgorithm.AES128_GCM,
                        SMIMECapability.aES256_CBC,
                        SMIMECapability.aES128_CBC,
                        PKCSObjectIdentifiers.id_RSAES_OAEP,
                        PKCSObjectIdentifiers.rsaEncryption);
        // RFC 8551 §2.5.3: the issuer-and-serial choice names the signer certificate itself
        ASN1TaggedObject choice =
                ASN1TaggedObject.getInstance(
                        attrs.get(SMIMEAttributes.encrypKeyPref).getAttrValues().getObjectAt(0));
        assertThat(choice.getTagNo()).isZero();
        IssuerAndSerialNumber preferred =
                IssuerAndSerialNumber.getInstance(ASN1Sequence.getInstance(choice, false));
        JcaX509CertificateHolder holder = new JcaX509CertificateHolder(bank.certificate());
        assertThat(preferred.getName()).isEqualTo(holder.getIssuer());
        assertThat(preferred.getSerialNumber().getValue()).isEqualTo(holder.getSerialNumber());
        assertThat(smime.getCertificates().getMatches(null)).hasSize(2);

        Inspection i =
                new SealedMessageReader()
                        .inspect(signed, Optional.empty(), MailFixtures.anchors(pki), new Date());
        assertThat(i.problems()).isEmpty();
        assertThat(i.valid()).isTrue();
        assertThat(i.encrypted()).isFalse();
        assertThat(i.signerEmail()).isEqualTo("otp@bank.example");
        assertThat(i.digestAlgorithm()).isEqualTo("SHA-256");
        assertThat(i.signingTime()).isPresent();
        assertThat(MailFixtures.text(i)).contains(BODY);

        // openssl finds the intermediate in the message and the root in -CAfile
        assertThat(new OpensslCms(dir).verifySigned(signed, pki.ca().certificate()))
                .contains(BODY_QP);
    }

    private static List<ASN1ObjectIdentifier> capabilities(AttributeTable attrs) {
        ASN1Sequence caps =
                ASN1Sequence.getInstance(
                        attrs.get(SMIMEAttributes.smimeCapabilities)
                                .getAttrValues()
                                .getObjectAt(0));
        return StreamSupport.stream(caps.spliterator(), false)
                .map(c -> SMIMECapability.getInstance(c).getCapabilityID())
                .toList();
    }

    /**
     * Headers about the message stay outside; the signed entity carries only the Content-* headers
     * and body.
     */
    @Test
    void messageHeadersStayOutsideAndBccIsGone() throws Exception {
        MimeMessage signed =
                sealer.sign(
                        MailFixtures.otpMail("kunde@beispiel.example"),
                        bank(KeyKind.RSA),
                        SignatureStamp.NONE,
                        HeaderProtection.NONE);
        assertThat(signed.getMessageID()).isEqualTo(MailFixtures.MESSAGE_ID);
        assertThat(signed.getSubject()).isEqualTo("Ihr Code");
        assertThat(signed.getHeader("X-Mail-Class", null)).isEqualTo("otp");
        assertThat(MailFixtures.wire(signed))
                .doesNotContainIgnoringCase("bcc:")
                .doesNotContain("audit@bank.example");

        BodyPart inner = ((MimeMultipart) signed.getContent()).getBodyPart(0);
        assertThat(new ContentType(inner.getContentType()).getParameter("charset"))
                .isEqualToIgnoringCase("utf-8");
        assertThat(inner.getHeader("Content-Transfer-Encoding"))
                .containsExactly("quoted-printable");
        assertThat(inner.getHeader("Subject")).isNull();
        assertThat((String) inner.getContent()).contains(BODY);
    }

    /**
     * An e-statement: multipart/mixed with an 8-bit text part and a PDF. Every 8-bit leaf must be
     * made 7-bit before signing (RFC 8551 §3.1.2), at any depth, or a hop without 8BITMIME that
     * re-encodes it breaks the signature.
     */
    @Test
    void eightBitPartsInsideAMultipartAreMadeSevenBitBeforeSigning() throws Exception {
        MimeMessage statement =
                MailFixtures.parse(
                        ("From: statements@bank.example\r\n"
                                        + "To: kunde@beispiel.example\r\n"
                                        + "Message-ID: "
                                        + MailFixtures.MESSAGE_ID
                                        + "\r\n"
                                        + "MIME-Version: 1.0\r\n"
                                        + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
                                        + "\r\n"
                                        + "--outer\r\n"
                                        + "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
                                        + "\r\n"
                                        + "--inner\r\n"
                                        + "Content-Type: text/plain; charset=utf-8\r\n"
                                        + "Content-Transfer-Encoding: 8bit\r\n"
                                        + "\r\n"
                                        + BODY
                                        + "\r\n"
                                        + "--inner--\r\n"
                                        + "--outer\r\n"
                                        + "Content-Type: application/pdf; name=auszug.pdf\r\n"
                                        + "Content-Disposition: attachment; filename=auszug.pdf\r\n"
                                        + "Content-Transfer-Encoding: base64\r\n"
                                        + "\r\n"
                                        + "JVBERi0xLjQK\r\n"
                                        + "--outer--\r\n")
                                .getBytes(StandardCharsets.UTF_8));
        MimeMessage signed =
                sealer.sign(
                        statement, bank(KeyKind.RSA), SignatureStamp.NONE, HeaderProtection.NONE);

        assertThat(MimeEntities.has8bit(MailFixtures.bytes(signed)))
                .as("8-bit bytes in the signed message")
                .isFalse();
        Inspection i =
                new SealedMessageReader()
                        .inspect(signed, Optional.empty(), MailFixtures.anchors(pki), new Date());
        assertThat(i.problems()).isEmpty();
        MimeMultipart mixed = (MimeMultipart) i.content().orElseThrow().getContent();
        BodyPart text = ((MimeMultipart) mixed.getBodyPart(0).getContent()).getBodyPart(0);
        assertThat(text.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat((String) text.getContent()).contains(BODY);
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("auszug.pdf");
        assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes())
                .startsWith("%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
        assertThat(new OpensslCms(dir).verifySigned(signed, pki.ca().certificate()))
                .contains(BODY_QP);
    }

    /**
     * The hook the TSA plugs into (CAdES-T): called with the final signature value, its attribute
     * kept.
     */
    @Test
    void unsignedAttributeHookSeesTheSignatureValueAndItsAttributeTravels() throws Exception {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        SignatureStamp dummy =
                signature -> {
                    seen.set(signature);
                    return new AttributeTable(
                            new Attribute(
                                    DUMMY, new DERSet(new DEROctetString(new byte[] {1, 2, 3}))));
                };
        MimeMessage signed =
                sealer.sign(
                        MailFixtures.otpMail("kunde@beispiel.example"),
                        bank(KeyKind.RSA),
                        dummy,
                        HeaderProtection.NONE);

        SignerInformation si =
                new SMIMESigned((MimeMultipart) signed.getContent())
                        .getSignerInfos()
                        .getSigners()
                        .iterator()
                        .next();
        assertThat(seen.get()).isEqualTo(si.getSignature());
        assertThat(si.getUnsignedAttributes().get(DUMMY).getAttrValues().getObjectAt(0))
                .isEqualTo(new DEROctetString(new byte[] {1, 2, 3}));
        Inspection i =
                new SealedMessageReader()
                        .inspect(signed, Optional.empty(), MailFixtures.anchors(pki), new Date());
        assertThat(i.problems()).isEmpty();
        assertThat(i.timestamp()).isEmpty();
        assertThat(new OpensslCms(dir).verifySigned(signed, pki.ca().certificate()))
                .contains(BODY_QP);
    }

    /**
     * A required timestamp that cannot be had stops the signature as that, not as a generic signing
     * failure: the relay answers 451 for it and keeps the message off the wire.
     */
    @Test
    void aStampThatCannotBeHadSurfacesAsTimestampUnavailable() throws Exception {
        SignatureStamp down =
                signature -> {
                    throw new TimestampUnavailableException("no TSA answered");
                };
        assertThatThrownBy(
                        () ->
                                sealer.sign(
                                        MailFixtures.otpMail("kunde@beispiel.example"),
                                        bank(KeyKind.RSA),
                                        down,
                                        HeaderProtection.NONE))
                .isInstanceOf(TimestampUnavailableException.class)
                .hasMessageContaining("no TSA answered");
    }

    /** A CA (address null) or an S/MIME signer certificate issued by {@code issuer}. */
    private static DemoPki.Issued issue(
            DemoPki.Issued issuer, String subject, KeyKind kind, String address) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(kind == KeyKind.EC ? "EC" : "RSA");
        if (kind == KeyKind.EC) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g.initialize(2048);
        }
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder b =
                new JcaX509v3CertificateBuilder(
                        issuer.certificate(),
                        BigInteger.valueOf(now.toEpochMilli())
                                .shiftLeft(8)
                                .add(BigInteger.valueOf(kind.ordinal())),
                        Date.from(now.minus(Duration.ofHours(1))),
                        Date.from(now.plus(Duration.ofDays(30))),
                        new X500Name(subject),
                        kp.getPublic());
        boolean ca = address == null;
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(
                        ca
                                ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                                : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        if (!ca) {
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
        }
        String alg = "EC".equals(issuer.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        X509Certificate cert =
                new JcaX509CertificateConverter()
                        .getCertificate(
                                b.build(new JcaContentSignerBuilder(alg).build(issuer.key())));
        return new DemoPki.Issued(kp.getPrivate(), cert);
    }
}
