package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.RelayUnderTest;
import java.security.KeyPairGenerator;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A customer certificate a bank must not encrypt to (here RSA-1024, trusted CA, right address) is
 * "no usable certificate": a one-time code gets the usual {@code 550 5.7.1}, without the reason;
 * {@code mailseal lookup} and {@code explain} say why.
 */
class UnfitCertificateIT {
    @RegisterExtension final RelayUnderTest relay = RelayUnderTest.withPolicies(BankMail.POLICIES);

    @Test
    void aWeakKeyIsNoUsableCertificateAndLookupAndExplainSayWhy() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", new BouncyCastleProvider());
        rsa.initialize(1024);
        relay.world()
                .publish(
                        ALICE,
                        relay.world()
                                .pki()
                                .certificate(ALICE, KeyKind.RSA)
                                .keyPair(rsa.generateKeyPair())
                                .build());

        Reply otp =
                relay.bank()
                        .send(DemoWorld.BANK_SENDER, List.of(ALICE), BankMail.otp(ALICE, "271828"));
        assertThat(SmtpReply.NO_CERTIFICATE.matches(otp.line())).as(otp.line()).isTrue();
        assertThat(otp.text()).doesNotContain("1024");

        String conf = relay.dir().resolve("relay.conf").toString();
        CommandLineIT.Run lookup = CommandLineIT.mailseal("lookup", "-c", conf, ALICE);
        assertThat(lookup.exit()).isEqualTo(1);
        assertThat(lookup.out()).contains("RSA key of 1024 bits (at least 2048 needed)");
        CommandLineIT.Run explain =
                CommandLineIT.mailseal(
                        "explain",
                        "-c",
                        conf,
                        "--from",
                        DemoWorld.BANK_SENDER,
                        "--to",
                        ALICE,
                        "--header",
                        "X-Mail-Class=otp");
        assertThat(explain.out()).contains("RSA key of 1024 bits").contains("550 5.7.1");
    }
}
