package io.mailseal.it;

import io.mailseal.demo.DemoPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import java.util.function.Function;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * BouncyCastle's CMS generators, the engine of Java mail clients and gateways (and of what the
 * bank's Android and web apps would send): a detached SHA-256 signature; AuthEnvelopedData with
 * AES-256-GCM and RSAES-OAEP (SHA-256), the modern choice RFC 8551 recommends.
 */
final class BouncyCastleCustomer implements CustomerEngine {
    private final Function<String, DemoPki.Issued> customers;

    BouncyCastleCustomer(Function<String, DemoPki.Issued> customers) {
        this.customers = customers;
    }

    @Override
    public String name() {
        return "BouncyCastle";
    }

    @Override
    public byte[] signDetached(byte[] content, String customer) throws Exception {
        DemoPki.Issued signer = customers.apply(customer);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder()
                        .build("SHA256withRSA", signer.key(), signer.certificate()));
        gen.addCertificates(new JcaCertStore(List.of(signer.certificate())));
        return gen.generate(new CMSProcessableByteArray(content), false).getEncoded();
    }

    @Override
    public byte[] envelope(byte[] content, Path recipientPem) throws Exception {
        X509Certificate cert;
        try (var in = Files.newInputStream(recipientPem)) {
            cert =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        CMSAuthEnvelopedDataGenerator gen = new CMSAuthEnvelopedDataGenerator();
        gen.addRecipientInfoGenerator(
                new JceKeyTransRecipientInfoGenerator(
                        cert,
                        new JcaAlgorithmParametersConverter()
                                .getAlgorithmIdentifier(
                                        PKCSObjectIdentifiers.id_RSAES_OAEP,
                                        new OAEPParameterSpec(
                                                "SHA-256",
                                                "MGF1",
                                                MGF1ParameterSpec.SHA256,
                                                PSource.PSpecified.DEFAULT))));
        return gen.generate(
                        new CMSProcessableByteArray(content),
                        (org.bouncycastle.operator.OutputAEADEncryptor)
                                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).build())
                .getEncoded();
    }

    @Override
    public boolean authEnveloped() {
        return true;
    }
}
