package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.PostfixInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mailseal behind a real Postfix (Debian's package, a private instance on loopback), in the two
 * topologies README "Pointing the bank's MTA at mailseal" recommends: a before-queue proxy filter,
 * where the bank's application sees mailseal's 550 at DATA through Postfix, and an after-queue
 * content filter for mail that needs no synchronous refusal, where a refusal becomes a bounce that
 * must not carry the one-time code. In both, what mailseal accepts arrives once, sealed once: no
 * loop between Postfix and mailseal.
 */
class PostfixTopologiesIT {
    @TempDir Path dir;

    @BeforeAll
    static void postfixIsHere() {
        assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/sbin/postfix")),
                "needs root and Debian's postfix package (.ci/run installs it)");
    }

    @Test
    void beforeQueueProxyPassesMailsealsRefusalToTheApplicationAtDataAndDeliversOnce()
            throws Exception {
        int front = LoopbackPorts.free();
        int reinject = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay = relayBehind(world, reinject)) {
            try (PostfixInstance postfix =
                    PostfixInstance.start(
                            "proxy",
                            "relayhost = [127.0.0.1]:" + world.sink().port(),
                            """
                            127.0.0.1:%d inet n - n - - smtpd
                              -o smtpd_proxy_filter=127.0.0.1:%d
                              -o smtpd_proxy_options=speed_adjust
                            127.0.0.1:%d inet n - n - - smtpd
                              -o smtpd_proxy_filter=
                              -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_address_mappings
                            """
                                    .formatted(front, relay.port(), reinject),
                            front,
                            reinject)) {
                SubmissionClient app = new SubmissionClient("127.0.0.1", front);

                Reply refused =
                        app.send(
                                DemoWorld.BANK_SENDER,
                                List.of(BankMail.CAROL),
                                BankMail.otp(BankMail.CAROL, "318842"));
                assertThat(refused.code()).as(refused.line()).isEqualTo(550);
                assertThat(refused.line())
                        .as("mailseal's reply, relayed by Postfix at DATA")
                        .isEqualTo(
                                SmtpReply.NO_CERTIFICATE.line("<" + BankMail.CAROL + ">", "otp"));

                Reply accepted =
                        app.send(
                                DemoWorld.BANK_SENDER,
                                List.of(BankMail.ALICE),
                                BankMail.otp(BankMail.ALICE, "552917"));
                assertThat(accepted.code()).as(accepted.line()).isEqualTo(250);
                assertArrivesOnceSealedOnce(world, postfix, "552917");
            }
        }
    }

    @Test
    void afterQueueFilterDeliversOnceAndARefusalBouncesWithoutTheCode() throws Exception {
        int front = LoopbackPorts.free();
        int reinject = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay = relayBehind(world, reinject)) {
            try (PostfixInstance postfix =
                    PostfixInstance.start(
                            "filter",
                            """
                            relayhost = [127.0.0.1]:%d
                            # headers only in bounces: a refused one-time code must not travel back
                            bounce_size_limit = 1
                            """
                                    .formatted(world.sink().port()),
                            """
                            127.0.0.1:%d inet n - n - - smtpd
                              -o content_filter=smtp:[127.0.0.1]:%d
                            127.0.0.1:%d inet n - n - - smtpd
                              -o content_filter=
                              -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_address_mappings
                            """
                                    .formatted(front, relay.port(), reinject),
                            front,
                            reinject)) {
                SubmissionClient app = new SubmissionClient("127.0.0.1", front);
                assertThat(
                                app.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(BankMail.ALICE),
                                                BankMail.otp(BankMail.ALICE, "640391"))
                                        .code())
                        .isEqualTo(250);
                assertArrivesOnceSealedOnce(world, postfix, "640391");

                Reply queued =
                        app.send(
                                DemoWorld.BANK_SENDER,
                                List.of(BankMail.CAROL),
                                BankMail.otp(BankMail.CAROL, "771205"));
                assertThat(queued.code())
                        .as("store and forward: Postfix takes it before mailseal decides")
                        .isEqualTo(250);
                CapturedMessage bounce =
                        Eventually.value(
                                        "the bounce of the refused code at the sender's domain",
                                        Duration.ofSeconds(60),
                                        () ->
                                                world.sink().messages().stream()
                                                        .filter(m -> m.envelopeFrom().isEmpty())
                                                        .findFirst(),
                                        java.util.Optional::isPresent)
                                .orElseThrow();
                assertThat(bounce.recipients()).containsExactly(DemoWorld.BANK_SENDER);
                assertThat(bounce.text())
                        .contains("no valid certificate (policy otp)")
                        .doesNotContain("771205");
            }
        }
    }

    private Relay relayBehind(DemoWorld world, int reinject) throws Exception {
        world.addCustomer(BankMail.ALICE, KeyKind.RSA);
        return Relay.start(
                ConfigLoader.load(
                        world.writeConfig(
                                BankMail.POLICIES,
                                "delivery.smarthost = \"127.0.0.1:" + reinject + "\"")),
                Clock.systemUTC());
    }

    /** Exactly one copy at the sink, one S/MIME layer deep, and Postfix's queue empty. */
    private void assertArrivesOnceSealedOnce(DemoWorld world, PostfixInstance postfix, String code)
            throws Exception {
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(60)))
                .as("delivered through Postfix: %s", postfix.log())
                .isTrue();
        Eventually.await(
                "Postfix's queue empty", Duration.ofSeconds(30), () -> postfix.queue().isEmpty());
        List<CapturedMessage> arrived = world.sink().messages();
        assertThat(arrived).hasSize(1);
        Path eml = Files.write(dir.resolve("arrived.eml"), arrived.get(0).content());
        assertThat(arrived.get(0).text()).doesNotContain(code);
        assertThat(BankMail.opensslOpens(dir, eml, "alice@customer.example"))
                .as("opened once, the plaintext inside: sealed once, no loop")
                .contains("Your one-time code is " + code);
    }
}
