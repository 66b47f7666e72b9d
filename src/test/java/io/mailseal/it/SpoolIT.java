package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 250 means sealed and on disk: what the spool holds, and what happens to codes that cannot go out
 * in time.
 */
class SpoolIT {
    static final String ALICE = "alice@customer.example";
    static final String POLICIES =
            """
            { name = otp, match { headers { "X-Mail-Class" = "otp" } }, action = encrypt,
              timestamp = required, on-missing-certificate = reject, max-age = 2s }
            { name = default, action = pass }""";

    @TempDir Path dir;

    @Test
    void codeThatCannotGoOutInTimeIsDroppedNeverLateAndNeverOnDiskInPlaintext() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            world.sink().refuseRecipient(ALICE, 451, "4.2.0 mailbox busy");
            Path conf =
                    world.writeConfig(POLICIES, "delivery.retry { initial = 200ms, max = 500ms }");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                assertThat(
                                new SubmissionClient("127.0.0.1", relay.port())
                                        .send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "909192"))
                                        .code())
                        .isEqualTo(250);

                List<Path> files;
                try (Stream<Path> s = Files.list(dir.resolve("spool/queue"))) {
                    files = s.toList();
                }
                assertThat(files).hasSize(1);
                assertThat(Files.readString(files.get(0), StandardCharsets.ISO_8859_1))
                        .doesNotContain("909192")
                        .doesNotContain("sign-in code")
                        .contains("enveloped-data");
                assertThat(
                                PosixFilePermissions.toString(
                                        Files.getPosixFilePermissions(files.get(0))))
                        .isEqualTo("rw-------");

                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(15)))
                        .as("a DSN")
                        .isTrue();
                CapturedMessage dsn = world.sink().messages().get(0);
                assertThat(dsn.recipients()).containsExactly(DemoWorld.BANK_SENDER);
                assertThat(dsn.text())
                        .contains("Status: 4.4.7")
                        .contains("will not be delivered late")
                        .doesNotContain("909192");
                world.sink().acceptRecipient(ALICE);
                assertThat(
                                BankMail.othersWhenControlArrived(
                                        new SubmissionClient("127.0.0.1", relay.port()),
                                        world.sink(),
                                        dir.resolve("spool")))
                        .as("never delivered late: the DSN only")
                        .containsExactly(dsn);
            }
        }
    }

    @Test
    @SuppressWarnings(
            "try") // the restarted relay only has to run while the block waits for its delivery
    void whatWasQueuedBeforeAStopIsDeliveredAfterTheNextStart() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            world.sink().refuseRecipient(ALICE, 451, "4.2.0 mailbox busy");
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES, "delivery.retry { initial = 200ms, max = 500ms }");
            try (Relay relay = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                assertThat(
                                new SubmissionClient("127.0.0.1", relay.port())
                                        .send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, "1"))
                                        .code())
                        .isEqualTo(250);
            }
            Files.writeString(dir.resolve("spool/queue/torn"), "MAILSEAL-SPOOL 1\nfrom x\n");
            world.sink().acceptRecipient(ALICE);
            try (Relay again = Relay.start(ConfigLoader.load(conf), Clock.systemUTC())) {
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
                assertThat(world.sink().messages().get(0).recipients()).containsExactly(ALICE);
            }
            assertThat(dir.resolve("spool/corrupt/torn")).exists();
        }
    }
}
