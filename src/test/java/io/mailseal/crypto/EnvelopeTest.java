package io.mailseal.crypto;

import static io.mailseal.crypto.MailFixtures.BODY;
import static io.mailseal.crypto.MailFixtures.BODY_QP;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.mail.smime.SMIMEAuthEnveloped;
import org.bouncycastle.mail.smime.SMIMEEnveloped;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The envelope itself: one for all recipients, the RecipientInfo each key type gets, the outer
 * entity.
 */
class EnvelopeTest {
    static DemoPki pki;
    static SigningIdentity bank;
    static DemoPki.Issued rsaCustomer;
    static DemoPki.Issued ecCustomer;
    static final MessageSealer sealer = new MessageSealer();

    @TempDir Path dir;

    @BeforeAll
    static void pki() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "envelope CA");
        bank = MailFixtures.identity(pki.signer("otp@bank.example", KeyKind.RSA));
        rsaCustomer = pki.customer("rsa@kunde.example", KeyKind.RSA);
        ecCustomer = pki.customer("ec@kunde.example", KeyKind.EC);
    }

    private static MimeMessage sealToBoth(ContentEncryption content) throws Exception {
        MimeMessage signed =
                sealer.sign(
                        MailFixtures.otpMail("rsa@kunde.example, ec@kunde.example"),
                        bank,
                        SignatureStamp.NONE,
                        HeaderProtection.NONE);
        return sealer.encrypt(
                signed,
                content,
                List.of(
                        new EnvelopeRecipient(rsaCustomer.certificate(), KeyTransport.RSA_OAEP),
                        new EnvelopeRecipient(ecCustomer.certificate(), KeyTransport.RSA_OAEP)));
    }

    private static Collection<RecipientInformation> recipientInfos(
            MimeMessage sealed, ContentEncryption content) throws Exception {
        return content.authenticated()
                ? new SMIMEAuthEnveloped(sealed).getRecipientInfos().getRecipients()
                : new SMIMEEnveloped(sealed).getRecipientInfos().getRecipients();
    }

    @ParameterizedTest
    @EnumSource(ContentEncryption.class)
    void twoRecipientsShareOneEnvelopeAndEachOpensIt(ContentEncryption content) throws Exception {
        MimeMessage sealed = sealToBoth(content);

        assertThat(recipientInfos(sealed, content))
                .hasSize(2)
                .hasAtLeastOneElementOfType(KeyTransRecipientInformation.class)
                .hasAtLeastOneElementOfType(KeyAgreeRecipientInformation.class);
        for (DemoPki.Issued customer : List.of(rsaCustomer, ecCustomer)) {
            Inspection i = MailFixtures.open(sealed, customer, pki);
            assertThat(i.problems()).isEmpty();
            assertThat(i.valid()).isTrue();
            assertThat(MailFixtures.text(i)).contains(BODY);
            Path own =
                    Files.createDirectories(
                            dir.resolve(customer.certificate().getSerialNumber().toString()));
            assertThat(
                            new OpensslCms(own)
                                    .decryptAndVerify(sealed, customer, pki.ca().certificate()))
                    .contains(BODY_QP);
        }
        DemoPki.Issued outsider = pki.customer("outsider@kunde.example", KeyKind.RSA);
        assertThat(MailFixtures.open(sealed, outsider, pki).problems())
                .containsExactly("encrypted, but not to the given key's certificate");
    }

    /**
     * RFC 4055 §4.1 / RFC 8551 §2.3: OAEP with SHA-256 and MGF1-SHA-256, not the SHA-1 defaults.
     */
    @Test
    void oaepRecipientInfoNamesSha256AndMgf1Sha256() throws Exception {
        RecipientInformation ri =
                recipientInfos(
                                sealToBoth(ContentEncryption.AES_256_CBC),
                                ContentEncryption.AES_256_CBC)
                        .stream()
                        .filter(KeyTransRecipientInformation.class::isInstance)
                        .findFirst()
                        .orElseThrow();
        assertThat(ri.getKeyEncryptionAlgOID())
                .isEqualTo(PKCSObjectIdentifiers.id_RSAES_OAEP.getId());
        RSAESOAEPparams params =
                RSAESOAEPparams.getInstance(ri.getKeyEncryptionAlgorithm().getParameters());
        assertThat(params.getHashAlgorithm().getAlgorithm())
                .isEqualTo(NISTObjectIdentifiers.id_sha256);
        assertThat(params.getMaskGenAlgorithm().getAlgorithm())
                .isEqualTo(PKCSObjectIdentifiers.id_mgf1);
        assertThat(
                        AlgorithmIdentifier.getInstance(
                                        params.getMaskGenAlgorithm().getParameters())
                                .getAlgorithm())
                .isEqualTo(NISTObjectIdentifiers.id_sha256);
    }

    /** RFC 5753 §3.1.1: ephemeral-static ECDH, so each envelope carries a fresh originator key. */
    @Test
    void ecRecipientGetsAFreshEphemeralKeyPerEnvelope() throws Exception {
        byte[] first = originatorKey(sealToBoth(ContentEncryption.AES_256_GCM));
        byte[] second = originatorKey(sealToBoth(ContentEncryption.AES_256_GCM));
        assertThat(first).isNotEmpty().isNotEqualTo(second);
    }

    private static byte[] originatorKey(MimeMessage sealed) throws Exception {
        KeyAgreeRecipientInformation ri =
                (KeyAgreeRecipientInformation)
                        recipientInfos(sealed, ContentEncryption.AES_256_GCM).stream()
                                .filter(KeyAgreeRecipientInformation.class::isInstance)
                                .findFirst()
                                .orElseThrow();
        assertThat(ri.getKeyEncryptionAlgOID()).isEqualTo(CMSAlgorithm.ECDH_SHA256KDF.getId());
        assertThat(
                        AlgorithmIdentifier.getInstance(
                                        ri.getKeyEncryptionAlgorithm().getParameters())
                                .getAlgorithm())
                .isEqualTo(CMSAlgorithm.AES256_WRAP);
        return ri.getOriginator().getOriginatorKey().getPublicKeyData().getBytes();
    }

    /** RFC 8551 §3.2: application/pkcs7-mime with smime-type and the smime.p7m name, base64. */
    @ParameterizedTest
    @EnumSource(ContentEncryption.class)
    void outerEntityIsAnSmimeP7mAttachmentWithTheOriginalHeaders(ContentEncryption content)
            throws Exception {
        MimeMessage sealed = sealToBoth(content);
        ContentType type = new ContentType(sealed.getContentType());
        assertThat(type.getBaseType()).isEqualTo("application/pkcs7-mime");
        assertThat(type.getParameter("smime-type"))
                .isEqualTo(content.authenticated() ? "authEnveloped-data" : "enveloped-data");
        assertThat(type.getParameter("name")).isEqualTo("smime.p7m");
        assertThat(sealed.getEncoding()).isEqualTo("base64");
        assertThat(sealed.getDisposition()).isEqualTo("attachment");
        assertThat(sealed.getFileName()).isEqualTo("smime.p7m");
        assertThat(sealed.getMessageID()).isEqualTo(MailFixtures.MESSAGE_ID);
        assertThat(sealed.getHeader("Bcc")).isNull();
        assertThat(sealed.getHeader("X-Mail-Class", null)).isEqualTo("otp");
        assertThat(sealed.getSubject()).isEqualTo("Ihr Code");
        assertThat(sealed.getHeader("Date", null)).isEqualTo("Tue, 25 Nov 2025 05:00:00 +0000");
    }
}
