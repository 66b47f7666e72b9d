package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay process is killed with SIGKILL while four sessions send; every message that got 250 has
 * its acceptance record in the evidence journal (written before the 250), and after a restart
 * reaches the sink, and the journal still verifies. Uses the real jar in its own JVM.
 */
class KillIT {
    private static final Pattern MESSAGE_ID =
            Pattern.compile("(?m)^Message-ID: <(kill-\\d+)@bank\\.example>");

    @TempDir Path dir;

    @Test
    void everyAcceptedMessageSurvivesKillDashNine() throws Exception {
        int port = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer("alice@customer.example", KeyKind.RSA);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            "smtp.listen = \"127.0.0.1:" + port + "\"\nevidence.enabled = true");
            RelayProcess relay = RelayProcess.start(conf, port, dir.resolve("relay-1.log"));
            Map<String, Boolean> accepted = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                senders.execute(
                        () -> {
                            SubmissionClient bank = new SubmissionClient("127.0.0.1", port);
                            for (int i = 0; i < 100; i++) {
                                String id = "kill-" + next.incrementAndGet();
                                try {
                                    String msg =
                                            BankMail.otp("alice@customer.example", "1")
                                                    .replaceFirst(
                                                            "Message-ID: <m-\\d+@bank.example>",
                                                            "Message-ID: <"
                                                                    + id
                                                                    + "@bank.example>");
                                    if (bank.send(
                                                            DemoWorld.BANK_SENDER,
                                                            List.of("alice@customer.example"),
                                                            msg)
                                                    .code()
                                            == 250) {
                                        accepted.put(id, true);
                                    }
                                } catch (Exception e) {
                                    return; // the relay is gone
                                }
                            }
                        });
            }
            Eventually.await(
                    "120 messages accepted before the kill",
                    Duration.ofSeconds(60),
                    () -> accepted.size() >= 120);
            relay.kill(); // SIGKILL: no shutdown hook, no flush
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(accepted.size()).as("accepted before the kill").isGreaterThanOrEqualTo(100);
            Set<String> recorded = acceptanceRecords(dir.resolve("evidence/journal"));
            assertThat(recorded)
                    .as("every message answered 250 has its acceptance record")
                    .containsAll(accepted.keySet());

            try (RelayProcess again = RelayProcess.start(conf, port, dir.resolve("relay-2.log"))) {
                Eventually.value(
                        "every message accepted with 250 delivered (last: those not yet)",
                        Duration.ofSeconds(90),
                        () -> {
                            Set<String> lost = new HashSet<>(accepted.keySet());
                            lost.removeAll(arrived(world));
                            return lost;
                        },
                        Set::isEmpty);
                Set<String> arrived = arrived(world);
                System.out.printf(
                        "KillIT: %d accepted before SIGKILL, %d delivered, %d messages at the sink "
                                + "(duplicates: %d)%n",
                        accepted.size(),
                        arrived.size(),
                        world.sink().messages().size(),
                        world.sink().messages().size() - arrived.size());
                again.kill();
            }
            CommandLineIT.Run verify =
                    CommandLineIT.mailseal("evidence", "verify", "-c", conf.toString());
            assertThat(verify.out()).as(verify.err()).contains("chain OK");
        }
    }

    /** The Message-IDs of the journal's acceptance records. */
    private static Set<String> acceptanceRecords(Path journal) throws IOException {
        Pattern accepted =
                Pattern.compile("\"outcome\":\"accepted\",.*\"message_id\":\"<(kill-\\d+)@");
        Set<String> ids = new HashSet<>();
        try (Stream<Path> days = Files.list(journal)) {
            for (Path day : days.toList()) {
                for (String line : Files.readAllLines(day, StandardCharsets.ISO_8859_1)) {
                    Matcher m = accepted.matcher(line);
                    if (m.find()) {
                        ids.add(m.group(1));
                    }
                }
            }
        }
        return ids;
    }

    private static Set<String> arrived(DemoWorld world) {
        Set<String> arrived = new HashSet<>();
        world.sink()
                .messages()
                .forEach(
                        m -> {
                            Matcher mm = MESSAGE_ID.matcher(m.text());
                            if (mm.find()) {
                                arrived.add(mm.group(1));
                            }
                        });
        return arrived;
    }
}
