package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.OpensslCustomerMail;
import io.mailseal.testing.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inbound path with the bank's service key in a PKCS#11 token (SoftHSM2, one token for the
 * class): a customer's mail made by openssl, encrypted to the token's certificate with RSA PKCS#1
 * v1.5, RSA-OAEP or ECDH, arrives decrypted and verified at the bank's mail server. The identity
 * lists an RSA and an EC key (rotation: every key of the identity is tried). While the token is
 * away the mail waits (451), nothing is delivered; a tampered content key is the message's fault
 * and leaves the token in service.
 */
class InboundHsmIT {
    static final String SERVICE = "service@bank.example";
    static final String ALICE = "alice@customer.example";
    @TempDir static Path classDir;
    static SoftHsm hsm;
    static DemoPki pki;
    static Issued rsa;
    static Issued ec;
    static Path pinFile;

    @TempDir Path dir;

    @BeforeAll
    static void token() throws Exception {
        pki = new DemoPki(Clock.systemUTC(), "inbound hsm CA");
        hsm = SoftHsm.create(classDir);
        rsa = pki.customer(SERVICE, KeyKind.RSA);
        ec = pki.customer(SERVICE, KeyKind.EC);
        hsm.importKey("service-rsa", rsa, true);
        hsm.importKey("service-ec", ec, true);
        pinFile = hsm.pinFile(classDir);
    }

    @AfterAll
    static void removeToken() throws Exception {
        hsm.close();
    }

    @ParameterizedTest(name = "{0} {1} oaep={2}")
    @CsvSource({"rsa, -aes256, false", "rsa, -aes-256-gcm, true", "ec, -aes-256-gcm, false"})
    void mailEncryptedToTheTokensCertificateArrivesDecrypted(
            String key, String cipher, boolean oaep) throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay = Relay.start(ConfigLoader.load(config(world)), Clock.systemUTC())) {
            SubmissionClient.Reply r =
                    new SubmissionClient("127.0.0.1", relay.inboundPort())
                            .send(ALICE, List.of(SERVICE), customerMail(key, cipher, oaep));
            assertThat(r.code()).as(r.line()).isEqualTo(250);
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
            assertThat(world.sink().messages().get(0).text())
                    .contains("X-Mailseal-Encrypted: yes")
                    .doesNotContain("pkcs7-mime")
                    .contains("bitte sperren Sie meine Karte");
        }
    }

    @Test
    void whileTheTokenIsAwayTheMailWaitsWith451AndNothingIsDelivered() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay = Relay.start(ConfigLoader.load(config(world)), Clock.systemUTC())) {
            String sent = customerMail("rsa", "-aes256", false);
            SubmissionClient.Reply r;
            hsm.away();
            try {
                r =
                        new SubmissionClient("127.0.0.1", relay.inboundPort())
                                .send(ALICE, List.of(SERVICE), sent);
            } finally {
                hsm.back();
            }
            assertThat(r.code()).as(r.line()).isEqualTo(451);
            assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(2))).isFalse();
        }
    }

    @Test
    void aTamperedEncryptedKeyIsTheMessagesFaultAndLeavesTheTokenInService() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay = Relay.start(ConfigLoader.load(config(world)), Clock.systemUTC())) {
            SubmissionClient.Reply tampered =
                    new SubmissionClient("127.0.0.1", relay.inboundPort())
                            .send(
                                    ALICE,
                                    List.of(SERVICE),
                                    withGarbledEncryptedKey(customerMail("rsa", "-aes256", false)));
            assertThat(tampered.code())
                    .as("a verdict or a refusal, not our fault: " + tampered.line())
                    .isNotEqualTo(451);
            SubmissionClient.Reply next =
                    new SubmissionClient("127.0.0.1", relay.inboundPort())
                            .send(ALICE, List.of(SERVICE), customerMail("rsa", "-aes256", false));
            assertThat(next.code()).as("the token still decrypts: " + next.line()).isEqualTo(250);
            assertThat(
                            world.sink()
                                    .awaitMessages(
                                            tampered.code() == 250 ? 2 : 1, Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(world.sink().messages())
                    .anySatisfy(
                            m -> assertThat(m.text()).contains("bitte sperren Sie meine Karte"));
        }
    }

    /**
     * The same mail with its RSA-encrypted content key replaced by random bytes below the modulus
     * (a leading zero byte), so the token decrypts it and finds no valid PKCS#1 v1.5 padding.
     */
    private static String withGarbledEncryptedKey(String mail) {
        int split = mail.indexOf("\r\n\r\n") + 4;
        byte[] der = Base64.getMimeDecoder().decode(mail.substring(split));
        EnvelopedData enveloped =
                EnvelopedData.getInstance(ContentInfo.getInstance(der).getContent());
        KeyTransRecipientInfo kt =
                (KeyTransRecipientInfo)
                        RecipientInfo.getInstance(enveloped.getRecipientInfos().getObjectAt(0))
                                .getInfo();
        byte[] garbled = new byte[kt.getEncryptedKey().getOctets().length];
        new SecureRandom().nextBytes(garbled);
        garbled[0] = 0;
        EnvelopedData changed =
                new EnvelopedData(
                        enveloped.getOriginatorInfo(),
                        new DERSet(
                                new RecipientInfo(
                                        new KeyTransRecipientInfo(
                                                kt.getRecipientIdentifier(),
                                                kt.getKeyEncryptionAlgorithm(),
                                                new DEROctetString(garbled)))),
                        enveloped.getEncryptedContentInfo(),
                        enveloped.getUnprotectedAttrs());
        byte[] out;
        try {
            out = new ContentInfo(CMSObjectIdentifiers.envelopedData, changed).getEncoded();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return mail.substring(0, split)
                + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(out)
                + "\r\n";
    }

    /** The service identity with both token keys, and an inbound listener requiring encryption. */
    private Path config(DemoWorld world) throws Exception {
        String block =
                "{ library = \"%s\", token-label = \"%s\", key-label = \"%%s\", pin-file = \"%s\" }"
                        .formatted(SoftHsm.library(), hsm.label(), pinFile);
        return world.writeConfig(
                "{ name = default, action = pass }",
                """
                identities = [ { address = "%s", keys = [ { pkcs11 = %s }, { pkcs11 = %s } ] } ]
                inbound {
                  listen = "127.0.0.1:0"
                  next-hop = "127.0.0.1:%d"
                  authserv-id = "mailseal.bank.example"
                  allowed-clients = ["127.0.0.0/8"]
                  policies = [ { name = service, require = encrypted, on-violation = reject } ]
                }
                """
                        .formatted(
                                SERVICE,
                                block.formatted("service-rsa"),
                                block.formatted("service-ec"),
                                world.sink().port()));
    }

    /** Alice's signed mail, encrypted by openssl to the token's RSA or EC certificate. */
    private String customerMail(String key, String cipher, boolean oaep) throws Exception {
        OpensslCustomerMail mail =
                new OpensslCustomerMail(
                        Files.createDirectories(dir.resolve("customer")),
                        pki.customer(ALICE, KeyKind.RSA),
                        ALICE);
        Path sealed =
                mail.encrypted(
                        mail.signed(false),
                        (key.equals("rsa") ? rsa : ec).certificate(),
                        cipher,
                        oaep);
        return new String(OpensslCustomerMail.crlf(sealed), StandardCharsets.ISO_8859_1);
    }
}
