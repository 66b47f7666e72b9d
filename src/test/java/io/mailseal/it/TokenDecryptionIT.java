package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.certs.SigningIdentities;
import io.mailseal.config.IdentityConfig;
import io.mailseal.crypto.CryptoProviders;
import io.mailseal.crypto.SigningIdentity;
import io.mailseal.crypto.TokenRecipients;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.PkiFiles;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.SoftHsm;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.mail.smime.SMIMEAuthEnveloped;
import org.bouncycastle.mail.smime.SMIMEEnveloped;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mail a customer encrypted with {@code openssl cms} to a certificate whose key is in a SoftHSM2
 * token opens with {@link TokenRecipients}: RSA PKCS#1 v1.5 in the token, RSAES-OAEP (SHA-1 and
 * SHA-256) by raw RSA in the token and OAEP decoding in BouncyCastle, ECDH in the token with the
 * X9.63 KDF here; EnvelopedData (AES-CBC) and AuthEnvelopedData (AES-GCM). One token for the class.
 */
class TokenDecryptionIT {
    static final String TEXT = "Please block my card ending 4711.";
    @TempDir static Path dir;
    static SoftHsm hsm;
    static SigningIdentity rsa;
    static SigningIdentity ec;

    @BeforeAll
    static void token() throws Exception {
        CryptoProviders.install();
        DemoPki pki = new DemoPki(Clock.systemUTC(), "token decryption CA");
        hsm = SoftHsm.create(dir);
        Issued rsaKey = pki.customer("service@bank.example", KeyKind.RSA);
        Issued ecKey = pki.customer("service@bank.example", KeyKind.EC);
        hsm.importKey("service-rsa", rsaKey, true);
        hsm.importKey("service-ec", ecKey, true);
        PkiFiles.writeCertificate(dir.resolve("rsa.pem"), rsaKey.certificate());
        PkiFiles.writeCertificate(dir.resolve("ec.pem"), ecKey.certificate());
        Files.writeString(
                dir.resolve("mail.txt"), "Content-Type: text/plain\r\n\r\n" + TEXT + "\r\n");
        rsa = open("service-rsa");
        ec = open("service-ec");
    }

    private static SigningIdentity open(String keyLabel) throws Exception {
        IdentityConfig.TokenKey source =
                new IdentityConfig.TokenKey(
                        "test",
                        new IdentityConfig.Pkcs11(
                                SoftHsm.library(),
                                hsm.label(),
                                new IdentityConfig.FromFile(hsm.pinFile(dir))),
                        keyLabel,
                        Optional.empty());
        IdentityConfig identity =
                new IdentityConfig(
                        "test",
                        Optional.of("service@bank.example"),
                        Optional.empty(),
                        List.of(source),
                        IdentityConfig.RsaSignature.PKCS1);
        return SigningIdentities.openKey(identity, source, Clock.systemUTC(), t -> {}).identity();
    }

    @AfterAll
    static void removeToken() throws Exception {
        hsm.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "rsa, -aes-256-cbc, ''",
        "rsa, -aes-256-cbc, -keyopt rsa_padding_mode:oaep",
        "rsa, -aes-256-gcm, -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -keyopt rsa_mgf1_md:sha256",
        "rsa, -aes-128-gcm, ''",
        "ec, -aes-256-cbc, ''",
        "ec, -aes-256-gcm, -keyopt ecdh_kdf_md:sha256",
    })
    void opensslMailOpensWithTheKeyInTheToken(String key, String cipher, String keyopts)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "cms", "-encrypt", cipher));
        command.addAll(List.of("-in", "mail.txt", "-out", "enc.eml", "-recip", key + ".pem"));
        if (!keyopts.isEmpty()) {
            command.addAll(List.of(keyopts.split(" ")));
        }
        ExternalTool.ok(dir, command.toArray(String[]::new));
        SigningIdentity id = key.equals("rsa") ? rsa : ec;
        MimeMessage mail;
        try (InputStream in = Files.newInputStream(dir.resolve("enc.eml"))) {
            mail = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        boolean auth = cipher.endsWith("gcm");
        RecipientInformation ri =
                (auth
                                ? new SMIMEAuthEnveloped(mail).getRecipientInfos()
                                : new SMIMEEnveloped(mail).getRecipientInfos())
                        .getRecipients()
                        .iterator()
                        .next();
        byte[] plain =
                ri.getContent(
                        TokenRecipients.of(
                                ri,
                                id.privateKey(),
                                id.certificate(),
                                id.provider().orElseThrow(),
                                auth));
        assertThat(new String(plain, StandardCharsets.US_ASCII)).contains(TEXT);
    }
}
