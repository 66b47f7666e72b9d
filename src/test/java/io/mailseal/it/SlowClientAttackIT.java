package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.Eventually;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every connection slot held by clients sending one byte a second, half of them inside a command
 * line and half inside DATA: under stress (over 80 % of max-connections) they are cut after 10 s,
 * and the bank's own mail gets through.
 */
class SlowClientAttackIT extends IntakeAttackIT {
    private static final int SLOTS = 40;

    @Test
    void slowClientsHoldingEverySlotAreCutAndTheBanksMailGetsThrough() throws Exception {
        start("max-connections = " + SLOTS + ", max-connections-per-client = " + SLOTS);
        List<SmtpDialog> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < SLOTS; i++) {
                SmtpDialog d = new SmtpDialog(smtp, "127.0.0.2");
                slow.add(d);
                if (i % 2 == 0) {
                    assertThat(d.reply()).startsWith("220");
                } else {
                    d.hello().startData("news@bank.example", "x@other.example");
                }
            }
            trickle.scheduleAtFixedRate(() -> oneByteEach(slow), 0, 1, TimeUnit.SECONDS);
            long full = System.nanoTime();
            SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);
            Eventually.await(
                    "the bank's mail accepted while slow clients held every slot",
                    Duration.ofSeconds(40),
                    () -> accepted(bank));
            Duration took = Duration.ofNanos(System.nanoTime() - full);
            System.out.println("slow-client attack: the bank's mail accepted after " + took);
            // 10 s of stress limit, plus the watch's 1 s tick, plus a loaded machine
            assertThat(took).isLessThan(Duration.ofSeconds(25));
            assertThat(slow.get(0).reply()).is(matching(SmtpReply.TOO_SLOW));
            assertThat(slow.get(1).reply()).is(matching(SmtpReply.TOO_SLOW));
        } finally {
            trickle.shutdownNow();
            for (SmtpDialog d : slow) {
                d.close();
            }
        }
        controlOtpArrives();
        // the stress cut runs while more than 80 % of the slots are in use: on a loaded machine
        // the watch's ticks may take them in several rounds and leave the last few below the
        // threshold (to the data rate and command deadline), so at least the 20 % it needs
        assertThat(metric("mailseal_smtp_slow_clients_cut_total"))
                .isGreaterThanOrEqualTo(SLOTS / 5.0);
        assertThat(relay.log()).contains("closing connection from 127.0.0.2: ");
    }

    private static org.assertj.core.api.Condition<String> matching(SmtpReply reply) {
        return new org.assertj.core.api.Condition<>(
                line -> line != null && reply.matches(line), "a %s reply", reply);
    }

    private static boolean accepted(SubmissionClient bank) {
        try {
            return bank.send(
                                    "news@bank.example",
                                    List.of("control@other.example"),
                                    "Subject: during the attack\r\n\r\nbank mail\r\n")
                            .code()
                    == 250;
        } catch (Exception e) {
            return false; // 421 at connect while every slot is taken
        }
    }

    private static void oneByteEach(List<SmtpDialog> slow) {
        for (int i = 0; i < slow.size(); i++) {
            try {
                slow.get(i).write(i % 2 == 0 ? "E" : "x");
            } catch (IOException e) {
                // cut: nothing more to send on this one
            }
        }
    }
}
