package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar in its own JVM with JSON logs at DEBUG: every line of everything it writes is a JSON
 * object, one line per message event carries the queue id, and no line holds a one-time code or a
 * protected subject; SIGTERM stops it cleanly (exit 0).
 */
class ProcessLogIT {
    @TempDir Path dir;

    @Test
    void jsonLogsOfAWholeRunHoldNoCodeAndSigtermStopsCleanly() throws Exception {
        int port = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer("alice@customer.example", KeyKind.RSA);
            world.addCustomer("bob@customer.example", KeyKind.EC);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES, "smtp.listen = \"127.0.0.1:" + port + "\"");
            Path log = dir.resolve("relay.log");
            try (RelayProcess relay =
                    RelayProcess.start(
                            conf,
                            port,
                            log,
                            Map.of("MAILSEAL_LOG_FORMAT", "json", "MAILSEAL_LOG_LEVEL", "DEBUG"))) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", port);
                List<String> codes = List.of("583920", "694031", "705142");
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("alice@customer.example"),
                                                BankMail.otp(
                                                        "alice@customer.example", codes.get(0)))
                                        .code())
                        .isEqualTo(250);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("bob@customer.example"),
                                                BankMail.otp("bob@customer.example", codes.get(1)))
                                        .code())
                        .isEqualTo(250);
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of("carol@customer.example"),
                                                BankMail.otp(
                                                        "carol@customer.example", codes.get(2)))
                                        .code())
                        .isEqualTo(550);
                assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(20))).isTrue();

                assertThat(relay.stop()).as("SIGTERM: a clean stop within the grace").isIn(0, 143);

                List<String> lines = Files.readAllLines(log);
                assertThat(lines)
                        .isNotEmpty()
                        .allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
                assertThat(lines)
                        .noneSatisfy(
                                l ->
                                        assertThat(l)
                                                .containsAnyOf(
                                                        codes.get(0),
                                                        codes.get(1),
                                                        codes.get(2),
                                                        "sign-in code",
                                                        "one-time code"));
                assertThat(lines)
                        .filteredOn(l -> l.contains("sealed id="))
                        .hasSize(2)
                        .allSatisfy(
                                l -> assertThat(l).contains("\"queueId\"").contains("policy=otp"));
                assertThat(lines).filteredOn(l -> l.contains("delivered rcpt=")).hasSize(2);
            }
        }
    }
}
