package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static io.mailseal.testing.BankMail.otp;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.RelayUnderTest;
import io.mailseal.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank's OTP key in a PKCS#11 token (SoftHSM2, one token for the class): mail sealed with it
 * over real sockets verifies with {@code openssl cms} (RSA PKCS#1 v1.5, RSA-PSS, ECDSA; timestamp
 * checked by {@code openssl ts}); a token that goes away gives 451 and no mail, and once it is back
 * the relay re-opens it by itself and the mail goes out.
 */
class HsmSigningIT {
    @TempDir static Path classDir;
    static SoftHsm hsm;
    static Path caFile;
    static Path pinFile;

    @RegisterExtension
    final RelayUnderTest relay =
            RelayUnderTest.withPolicies(BankMail.POLICIES)
                    .customer(ALICE, KeyKind.RSA)
                    .config(identity("otp-rsa", "pkcs1"));

    @BeforeAll
    static void token() throws Exception {
        DemoPki pki = new DemoPki(Clock.systemUTC(), "hsm test CA");
        hsm = SoftHsm.create(classDir);
        hsm.importKey("otp-rsa", pki.signer(DemoWorld.BANK_SENDER, KeyKind.RSA), true);
        hsm.importKey("otp-ec", pki.signer(DemoWorld.BANK_SENDER, KeyKind.EC), true);
        caFile = PkiFiles.writeCertificate(classDir.resolve("hsm-ca.pem"), pki.ca().certificate());
        pinFile = hsm.pinFile(classDir);
    }

    @AfterAll
    static void removeToken() throws Exception {
        hsm.close();
    }

    static String identity(String keyLabel, String rsaSignature) {
        return "identities = [ { address = \"%s\", rsa-signature = %s, pkcs11 = %s } ]"
                .formatted(DemoWorld.BANK_SENDER, rsaSignature, hsm.pkcs11(keyLabel, pinFile));
    }

    @Test
    void otpSignedInTheTokenVerifiesWithOpensslForPkcs1PssAndEcdsa() throws Exception {
        sealAndVerify("sha256WithRSAEncryption");
        relay.restart(identity("otp-rsa", "pss"));
        sealAndVerify("rsassaPss");
        relay.restart(identity("otp-ec", "pkcs1"));
        sealAndVerify("ecdsa-with-SHA256");
    }

    @Test
    void aTokenThatGoesAwayDefersWith451AndTheRelayReopensItWhenItIsBack() throws Exception {
        hsm.away();
        try {
            Reply away = relay.bank().send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, "1"));
            assertThat(away.line()).isEqualTo(SmtpReply.SIGNING_KEY_UNAVAILABLE.line());
            var ready = AdminPort.get(relay.relay().adminPort(), "/ready", Duration.ofSeconds(5));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("signing-key mailseal.identities[0]");
            var metrics =
                    AdminPort.get(relay.relay().adminPort(), "/metrics", Duration.ofSeconds(5));
            assertThat(metrics.body())
                    .containsPattern(
                            "mailseal_token_errors_total\\{token=\"" + hsm.label() + "\"} [1-9]");
        } finally {
            hsm.back();
        }
        // nothing is sent meanwhile: /ready itself re-opens the token after its back-off (a load
        // balancer that saw 503 sends nothing until it is 200 again)
        Eventually.await(
                "/ready is 200 again once the token is back",
                Duration.ofSeconds(30),
                () ->
                        AdminPort.get(relay.relay().adminPort(), "/ready", Duration.ofSeconds(5))
                                        .statusCode()
                                == 200);
        String code = "731904";
        Reply back = relay.bank().send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, code));
        assertThat(back.line()).startsWith("250 ");
        assertThat(relay.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(relay.sink().messages()).hasSize(1);
        assertThat(opensslOpens(relay.sink().messages().get(0))).contains(code);
    }

    /** One OTP through the relay; openssl decrypts, verifies against the token's CA. */
    private void sealAndVerify(String signatureAlgorithm) throws Exception {
        int before = relay.sink().messages().size();
        String code = "58" + (1000 + before);
        Reply reply = relay.bank().send(DemoWorld.BANK_SENDER, List.of(ALICE), otp(ALICE, code));
        assertThat(reply.line()).startsWith("250 ");
        assertThat(relay.sink().awaitMessages(before + 1, Duration.ofSeconds(10))).isTrue();
        CapturedMessage m = relay.sink().messages().get(before);
        assertThat(opensslOpens(m)).contains("Your one-time code is " + code);
        Path dec = relay.dir().resolve("hsm-" + before + ".eml.dec");
        String printed =
                ExternalTool.ok(
                        relay.dir(),
                        "openssl",
                        "cms",
                        "-cmsout",
                        "-print",
                        "-in",
                        dec.toString(),
                        "-inform",
                        "SMIME");
        assertThat(printed).contains("algorithm: " + signatureAlgorithm);
        TimestampCheck.opensslVerifiesToken(relay.dir(), dec, Instant.now());
    }

    private String opensslOpens(CapturedMessage m) throws Exception {
        Path eml =
                Files.write(
                        relay.dir().resolve("hsm-" + relay.sink().messages().indexOf(m) + ".eml"),
                        m.content());
        return BankMail.opensslOpens(relay.dir(), eml, ALICE, caFile.toString());
    }
}
