package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the relay (what SIGTERM does): a transaction in the middle of DATA finishes and gets its
 * 250; a new one is told 421 4.3.2 to come back later; then the relay is down.
 */
class GracefulStopIT {
    static final String ALICE = "alice@customer.example";

    @TempDir Path dir;

    @Test
    void aTransactionUnderWayFinishesAndNewOnesAreToldToComeBack() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            Relay relay =
                    Relay.start(
                            ConfigLoader.load(
                                    world.writeConfig(
                                            BankMail.POLICIES, "delivery.shutdown-grace = 20s")),
                            Clock.systemUTC());
            int port = relay.port();
            try (SmtpDialog sending = new SmtpDialog(port).hello();
                    SmtpDialog late = new SmtpDialog(port).hello()) {
                sending.startData(DemoWorld.BANK_SENDER, ALICE);
                String otp = BankMail.otp(ALICE, "777001").replace("\n", "\r\n");
                int half = otp.length() / 2;
                sending.write(otp.substring(0, half));

                Thread stopper = new Thread(relay::close, "stopper");
                stopper.start();
                String refused =
                        Eventually.value(
                                "a new transaction refused while stopping",
                                Duration.ofSeconds(10),
                                () -> {
                                    String r =
                                            late.command(
                                                    "MAIL FROM:<" + DemoWorld.BANK_SENDER + ">");
                                    if (r != null && r.startsWith("250")) {
                                        late.command("RSET"); // not stopping yet: try again
                                    }
                                    return r;
                                },
                                r -> r == null || !r.startsWith("250"));
                assertThat(refused)
                        .as("a new transaction while stopping")
                        .isEqualTo(SmtpReply.SHUTTING_DOWN.line());
                assertThat(stopper.isAlive())
                        .as("still waiting for the transaction under way")
                        .isTrue();

                assertThat(sending.endData(otp.substring(half))).is(entry(SmtpReply.QUEUED));
                stopper.join(Duration.ofSeconds(30).toMillis());
                assertThat(stopper.isAlive())
                        .as("stopped after the transaction finished")
                        .isFalse();
            }
            boolean delivered = world.sink().messages().size() == 1;
            long spooled;
            try (Stream<Path> s = Files.list(dir.resolve("spool/queue"))) {
                spooled = s.count();
            }
            assertThat(delivered || spooled == 1)
                    .as("the accepted message was delivered or waits in the spool")
                    .isTrue();
        }
    }
}
