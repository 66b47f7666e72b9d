package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.LoopbackPorts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailseal queue} beside a running relay whose next hop defers a customer. */
class QueueIT {
    static final String ALICE = "alice@customer.example";
    static final String BOB = "bob@customer.example";

    @TempDir Path dir;

    @Test
    void listShowDeleteAndFlushWorkWhileTheRelayRuns() throws Exception {
        int adminPort = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            world.addCustomer(BOB, KeyKind.RSA);
            world.sink().refuseRecipient(ALICE, 451, "4.2.1 try later");
            world.sink().refuseRecipient(BOB, 451, "4.2.1 try later");
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            "admin.listen = \"127.0.0.1:"
                                    + adminPort
                                    + "\"\n"
                                    + "delivery.retry { initial = 1h, max = 1h }");
            String c = conf.toString();
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC());
                    LogCapture logs = new LogCapture("io.mailseal.delivery")) {
                SubmissionClient client = new SubmissionClient("127.0.0.1", relay.port());
                String aliceId =
                        queuedId(
                                client.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "246813"))
                                        .text());
                String bobId =
                        queuedId(
                                client.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(BOB),
                                                BankMail.otp(BOB, "135792"))
                                        .text());

                CommandLineIT.Run list = CommandLineIT.mailseal("queue", "list", "-c", c);
                assertThat(list.exit()).isZero();
                assertThat(list.out())
                        .contains(aliceId)
                        .contains(bobId)
                        .contains("otp")
                        .contains(ALICE)
                        .contains("2 message(s) queued")
                        .doesNotContain("246813");

                CommandLineIT.Run show = CommandLineIT.mailseal("queue", "show", aliceId, "-c", c);
                assertThat(show.exit()).as(show.err()).isZero();
                assertThat(show.out())
                        .contains("policy:     otp")
                        .contains("Subject: [...]")
                        .contains("application/pkcs7-mime")
                        .doesNotContain("246813")
                        .doesNotContain("sign-in code");

                assertThat(CommandLineIT.mailseal("queue", "delete", bobId, "-c", c).out())
                        .contains(bobId + ".0: deleted");
                assertThat(CommandLineIT.mailseal("queue", "delete", bobId, "-c", c).exit())
                        .isEqualTo(1);

                world.sink().acceptRecipient(ALICE);
                world.sink().acceptRecipient(BOB);
                CommandLineIT.Run flush = CommandLineIT.mailseal("queue", "flush", "-c", c);
                assertThat(flush.exit()).as(flush.err()).isZero();
                assertThat(flush.out())
                        .contains("\"flushed\":"); // the deleted one is dropped when its turn comes
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10)))
                        .as("delivered at once, not in 1h")
                        .isTrue();
                assertThat(world.sink().messages().get(0).recipients()).containsExactly(ALICE);
                Eventually.value(
                        "the deleted one's turn, dropped",
                        Duration.ofSeconds(10),
                        () ->
                                logs.events().stream()
                                        .filter(
                                                e ->
                                                        e.getFormattedMessage()
                                                                .startsWith(
                                                                        "removed from the queue"))
                                        .map(e -> e.getMDCPropertyMap().get("queueId"))
                                        .toList(),
                        ids -> ids.stream().anyMatch(id -> id != null && id.startsWith(bobId)));
                assertThat(world.sink().messages()).as("the deleted one never").hasSize(1);
                assertThat(CommandLineIT.mailseal("queue", "list", "-c", c).out())
                        .contains("0 message(s) queued");
            }
            CommandLineIT.Run noRelay = CommandLineIT.mailseal("queue", "flush", "-c", c);
            assertThat(noRelay.exit()).isEqualTo(1);
            assertThat(noRelay.err()).contains("no relay answers on 127.0.0.1:" + adminPort);
        }
    }

    private static String queuedId(String reply) {
        Matcher m = Pattern.compile("queued as (\\S+)").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m.group(1);
    }
}
