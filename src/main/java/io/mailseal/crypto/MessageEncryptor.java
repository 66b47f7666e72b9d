package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * One envelope for a group of recipients (RFC 8551 §3.3): EnvelopedData for AES-CBC,
 * AuthEnvelopedData for AES-GCM (RFC 5083). RSA recipients get KeyTransRecipientInfo with PKCS#1
 * v1.5, OAEP-SHA-256 or OAEP with the SHA-1 defaults (RFC 4055 §4); EC recipients
 * KeyAgreeRecipientInfo with ephemeral-static ECDH, X9.63 SHA-256 KDF and AES-256 key wrap (RFC
 * 5753, RFC 8551 §2.3).
 */
final class MessageEncryptor {
    private final AlgorithmIdentifier oaepSha256;
    private final AlgorithmIdentifier oaepSha1;

    MessageEncryptor() {
        try {
            JcaAlgorithmParametersConverter converter = new JcaAlgorithmParametersConverter();
            oaepSha256 =
                    converter.getAlgorithmIdentifier(
                            PKCSObjectIdentifiers.id_RSAES_OAEP,
                            new OAEPParameterSpec(
                                    "SHA-256",
                                    "MGF1",
                                    MGF1ParameterSpec.SHA256,
                                    PSource.PSpecified.DEFAULT));
            // the defaults are omitted from the encoding: an empty RSAES-OAEP-params SEQUENCE (RFC
            // 4055 §4.1)
            oaepSha1 =
                    converter.getAlgorithmIdentifier(
                            PKCSObjectIdentifiers.id_RSAES_OAEP, OAEPParameterSpec.DEFAULT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP parameters cannot be encoded", e);
        }
    }

    MimeMessage encrypt(
            MimeMessage signed, ContentEncryption algorithm, List<EnvelopeRecipient> recipients)
            throws MessagingException, IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        byte[] content = MimeEntities.bytes(MimeEntities.contentEntity(signed));
        // the entity and the CMS structure around it: a few hundred bytes per recipient
        Base64Body body = new Base64Body(content.length + 16 * 1024L);
        try (OutputStream cms = open(body.stream(), algorithm, recipients)) {
            cms.write(content);
        } catch (GeneralSecurityException | CMSException e) {
            throw new MessagingException("encryption failed: " + e.getMessage(), e);
        }
        return MimeEntities.wrap(
                MimeEntities.messageHeaderLines(signed), envelopeHeaders(algorithm), body.finish());
    }

    /**
     * The CMS stream that encrypts what is written to it into {@code out}: the same generators
     * BouncyCastle's S/MIME ones use, fed the entity's bytes directly instead of through a MIME
     * part written lazily into Jakarta Mail's base64 encoder.
     */
    private OutputStream open(
            OutputStream out, ContentEncryption algorithm, List<EnvelopeRecipient> recipients)
            throws GeneralSecurityException, CMSException, IOException {
        OutputEncryptor encryptor = new JceCMSContentEncryptorBuilder(algorithm.oid()).build();
        if (algorithm.authenticated()) {
            CMSAuthEnvelopedDataStreamGenerator gen = new CMSAuthEnvelopedDataStreamGenerator();
            addRecipients(gen, recipients);
            return gen.open(out, (OutputAEADEncryptor) encryptor);
        }
        CMSEnvelopedDataStreamGenerator gen = new CMSEnvelopedDataStreamGenerator();
        addRecipients(gen, recipients);
        return gen.open(out, encryptor);
    }

    private void addRecipients(CMSEnvelopedGenerator gen, List<EnvelopeRecipient> recipients)
            throws GeneralSecurityException, CMSException {
        for (EnvelopeRecipient r : recipients) {
            gen.addRecipientInfoGenerator(recipientInfo(r));
        }
    }

    /** RFC 8551 §3.2.2 and §3.4: the fields BouncyCastle's S/MIME generators write, in order. */
    private static List<String> envelopeHeaders(ContentEncryption algorithm) {
        return List.of(
                "Content-Type: application/pkcs7-mime; name=\"smime.p7m\"; smime-type="
                        + (algorithm.authenticated() ? "authEnveloped-data" : "enveloped-data"),
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"smime.p7m\"",
                "Content-Description: S/MIME Encrypted Message");
    }

    private RecipientInfoGenerator recipientInfo(EnvelopeRecipient r)
            throws GeneralSecurityException, CMSException {
        X509Certificate cert = r.certificate();
        if (cert.getPublicKey() instanceof ECPublicKey ec) {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(ec.getParams());
            KeyPair ephemeral = kpg.generateKeyPair();
            return new JceKeyAgreeRecipientInfoGenerator(
                            CMSAlgorithm.ECDH_SHA256KDF,
                            ephemeral.getPrivate(),
                            ephemeral.getPublic(),
                            CMSAlgorithm.AES256_WRAP)
                    .addRecipient(cert);
        }
        return switch (r.keyTransport()) {
            case RSA_OAEP -> new JceKeyTransRecipientInfoGenerator(cert, oaepSha256);
            case RSA_OAEP_SHA1 -> new JceKeyTransRecipientInfoGenerator(cert, oaepSha1);
            case RSA_PKCS1 -> new JceKeyTransRecipientInfoGenerator(cert);
        };
    }
}
