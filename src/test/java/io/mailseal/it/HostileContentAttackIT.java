package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.HostileMime;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's content attacks against the jar as its own process: header-field floods, customer
 * certificates a bank must not encrypt to, and a sender's header-protection and Bcc fields. After
 * each, {@link IntakeAttackIT#controlOtpArrives} and the message accepted before it arrived.
 */
class HostileContentAttackIT extends IntakeAttackIT {
    static final String OTP_HEAD =
            "From: Example Bank <otp@bank.example>\r\nTo: "
                    + ALICE
                    + "\r\nSubject: Your sign-in code\r\nX-Mail-Class: otp\r\nMIME-Version: 1.0\r\n";
    static final String FIELD_LIMIT = "more than 1000 header fields in a MIME entity";

    @Test
    void headerFieldFloodsAreRefusedNamingTheLimit() throws Exception {
        // a header section of 4 MiB may pass DATA, so the field count is what refuses the floods
        start("max-header-size = 4MiB");
        acceptedBefore("before@other.example");
        SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);

        Reply top = send(bank, HostileMime.headerFlood(OTP_HEAD, 100_000, "1", false));
        assertThat(SmtpReply.MALFORMED_MESSAGE.matches(top.line())).as(top.line()).isTrue();
        assertThat(top.text()).contains(FIELD_LIMIT);

        Reply entity = send(bank, HostileMime.headerFlood(OTP_HEAD, 100_000, "1", true));
        assertThat(SmtpReply.MALFORMED_MESSAGE.matches(entity.line())).as(entity.line()).isTrue();
        assertThat(entity.text()).contains(FIELD_LIMIT);

        // 100,000 fields of 50 bytes: the header section itself is over max-header-size
        Reply big = send(bank, HostileMime.headerFlood(OTP_HEAD, 100_000, "y".repeat(36), false));
        assertThat(big.line()).isEqualTo("552 5.3.4 Message header section exceeds 4194304 bytes");

        List<CapturedMessage> all = controlOtpArrives();
        assertThat(all).anyMatch(m -> m.recipients().contains("before@other.example"));
        assertThat(relay.log()).contains(FIELD_LIMIT);
    }

    @Test
    void unfitCustomerCertificatesAreNoCertificateAndOnlyTheApiSaysWhy() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", new BouncyCastleProvider());
        rsa.initialize(1024);
        Map<String, String> reasons =
                Map.of(
                        "ca@customer.example", "basicConstraints CA:TRUE",
                        "weak@customer.example", "RSA key of 1024 bits",
                        "sha1@customer.example", "allow-sha1-signatures is false",
                        "signonly@customer.example", "keyUsage lacks keyEncipherment");
        publish("ca@customer.example", spec("ca@customer.example").certificateAuthority());
        publish(
                "weak@customer.example",
                spec("weak@customer.example").keyPair(rsa.generateKeyPair()));
        publish(
                "sha1@customer.example",
                spec("sha1@customer.example").signatureAlgorithm("SHA1withRSA"));
        publish(
                "signonly@customer.example",
                spec("signonly@customer.example").keyUsage(KeyUsage.digitalSignature));
        start("");
        acceptedBefore("before@other.example");
        SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);

        for (Map.Entry<String, String> unfit : reasons.entrySet()) {
            String code = "5" + (10000 + System.nanoTime() % 90000);
            Reply reply =
                    bank.send(
                            DemoWorld.BANK_SENDER,
                            List.of(unfit.getKey()),
                            BankMail.otp(unfit.getKey(), code));
            assertThat(SmtpReply.NO_CERTIFICATE.matches(reply.line())).as(reply.line()).isTrue();
            assertThat(reply.text())
                    .doesNotContain(unfit.getValue())
                    .doesNotContain("CA:TRUE")
                    .doesNotContain("1024")
                    .doesNotContain("SHA1");
            HttpResponse<String> api =
                    AdminPort.get(
                            admin, "/v1/recipients/" + unfit.getKey(), Duration.ofSeconds(10));
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).contains("\"encryptable\":false").contains(unfit.getValue());
            assertThat(relay.log()).doesNotContain(code);
        }
        assertThat(relay.isAlive()).isTrue();
        List<CapturedMessage> all = controlOtpArrives();
        assertThat(all).anyMatch(m -> m.recipients().contains("before@other.example"));
        assertThat(all.stream().flatMap(m -> m.recipients().stream()))
                .noneMatch(reasons::containsKey);
    }

    @Test
    void aSendersHpOuterBccAndResentBccLeaveInNeitherHeaderSection() throws Exception {
        start("");
        acceptedBefore("before@other.example");
        String code = "4" + (10000 + System.nanoTime() % 90000);
        String mail =
                BankMail.otp(ALICE, code)
                        .replaceFirst(
                                "\nTo: ",
                                "\nHP-Outer: Subject: forged-outer-subject\n"
                                        + "Resent-Bcc: resent-secret@bank.example\n"
                                        + "Resent-From: otp@bank.example\n"
                                        + "Bcc: audit-secret@bank.example\n"
                                        + "To: ");
        Reply reply =
                new SubmissionClient("127.0.0.1", smtp)
                        .send(DemoWorld.BANK_SENDER, List.of(ALICE), mail);
        assertThat(SmtpReply.QUEUED.matches(reply.line())).as(reply.line()).isTrue();
        CapturedMessage delivered = BankMail.firstTo(world.sink(), ALICE);
        Path eml = Files.write(dir.resolve("hp.eml"), delivered.content());
        String inner = BankMail.opensslOpens(dir, eml, ALICE);
        String signed = Files.readString(Path.of(eml + ".dec"), StandardCharsets.ISO_8859_1);
        assertThat(inner).as("decrypted and verified").contains(code);
        for (String section : List.of(delivered.text(), signed, inner)) {
            assertThat(section)
                    .doesNotContain("audit-secret")
                    .doesNotContain("resent-secret")
                    .doesNotContain("forged-outer-subject");
        }
        assertThat(inner)
                .as("the inner header section is there")
                .contains("Subject: Your sign-in code");
        assertThat(relay.log()).doesNotContain(code);

        List<CapturedMessage> all = controlOtpArrives();
        assertThat(all).anyMatch(m -> m.recipients().contains("before@other.example"));
        assertThat(all.stream().flatMap(m -> m.recipients().stream()))
                .doesNotContain("audit-secret@bank.example", "resent-secret@bank.example");
    }

    private io.mailseal.demo.CertificateSpec spec(String address) {
        return world.pki().certificate(address, KeyKind.RSA);
    }

    private void publish(String address, io.mailseal.demo.CertificateSpec spec) throws Exception {
        world.publish(address, spec.build());
    }

    private static Reply send(SubmissionClient bank, byte[] message) throws Exception {
        return bank.send(
                DemoWorld.BANK_SENDER,
                List.of(ALICE),
                new String(message, StandardCharsets.US_ASCII));
    }
}
