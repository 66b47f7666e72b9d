package io.mailseal.testing;

import io.mailseal.demo.DemoPki;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.asn1.smime.SMIMEEncryptionKeyPreferenceAttribute;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;

/**
 * Mail a customer's client would send the bank: signed with the customer's key by BouncyCastle's
 * SMIMESignedGenerator, announcing AES-256-GCM, AES-256-CBC and RSA-OAEP unless told otherwise.
 */
public final class SignedCustomerMail {
    private final String from;
    private final DemoPki.Issued signer;
    private final List<X509Certificate> extra = new ArrayList<>();
    private X509Certificate encryptionPreference;
    private boolean opaque;
    private List<ASN1ObjectIdentifier> announced =
            List.of(
                    CMSAlgorithm.AES256_GCM,
                    SMIMECapability.aES256_CBC,
                    PKCSObjectIdentifiers.id_RSAES_OAEP);

    public SignedCustomerMail(String from, DemoPki.Issued signer) {
        this.from = from;
        this.signer = signer;
    }

    /** Further certificates to include (the CA, a separate encryption certificate). */
    public SignedCustomerMail including(X509Certificate... certs) {
        extra.addAll(List.of(certs));
        return this;
    }

    /** SMIMEEncryptionKeyPreference naming this certificate (RFC 8551 §2.5.3). */
    public SignedCustomerMail preferringEncryptionTo(X509Certificate cert) {
        encryptionPreference = cert;
        return this;
    }

    /** SMIMECapabilities announcing these algorithms instead (in this order of preference). */
    public SignedCustomerMail announcing(ASN1ObjectIdentifier... algorithms) {
        announced = List.of(algorithms);
        return this;
    }

    /** application/pkcs7-mime signed-data instead of multipart/signed. */
    public SignedCustomerMail opaque() {
        opaque = true;
        return this;
    }

    /** The message as a mail client would write it to an .eml file. */
    public byte[] eml() throws Exception {
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Please encrypt what you send me.\r\n", "us-ascii");
        SMIMESignedGenerator gen = new SMIMESignedGenerator();
        String alg = "EC".equals(signer.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        gen.addSignerInfoGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder()
                        .setSignedAttributeGenerator(attributes())
                        .build(alg, signer.key(), signer.certificate()));
        List<X509Certificate> certs = new ArrayList<>(List.of(signer.certificate()));
        certs.addAll(extra);
        gen.addCertificates(new JcaCertStore(certs));
        MimeBodyPart entity;
        if (opaque) {
            entity = gen.generateEncapsulated(text);
        } else {
            MimeMultipart signed = gen.generate(text);
            entity = new MimeBodyPart();
            entity.setContent(signed);
            entity.setHeader("Content-Type", signed.getContentType());
        }
        return withHeaders(entity);
    }

    private AttributeTable attributes() {
        SMIMECapabilityVector caps = new SMIMECapabilityVector();
        announced.forEach(caps::addCapability);
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(new SMIMECapabilitiesAttribute(caps));
        if (encryptionPreference != null) {
            attrs.add(
                    new SMIMEEncryptionKeyPreferenceAttribute(
                            new IssuerAndSerialNumber(
                                    X500Name.getInstance(
                                            encryptionPreference
                                                    .getIssuerX500Principal()
                                                    .getEncoded()),
                                    encryptionPreference.getSerialNumber())));
        }
        return new AttributeTable(attrs);
    }

    private byte[] withHeaders(MimeBodyPart entity) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(
                ("From: Customer <"
                                + from
                                + ">\r\nTo: service@bank.example\r\nSubject: my certificate\r\n"
                                + "MIME-Version: 1.0\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        entity.writeTo(out);
        return out.toByteArray();
    }
}
