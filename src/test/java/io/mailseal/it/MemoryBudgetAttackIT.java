package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Large messages at once against the memory budget: some may be deferred ({@code 452 4.3.1}), the
 * relay never runs out of heap.
 */
class MemoryBudgetAttackIT extends IntakeAttackIT {
    private static final int MB = 1_000_000;

    @Test
    void twoMessagesOverTheBudgetAtOnceOneIsDeferred452TheOtherAccepted() throws Exception {
        start("max-message-size = 45MiB, memory-budget = 50MiB, data-timeout = 2m");
        String body = ("y".repeat(98) + "\r\n").repeat(40 * MB / 100);
        try (SmtpDialog first = new SmtpDialog(smtp);
                SmtpDialog second = new SmtpDialog(smtp)) {
            first.hello().startData("news@bank.example", "first@other.example");
            first.write("Subject: first\r\n\r\n" + body);
            // the first holds its 40 MB before the second starts, so which one is refused is known
            Eventually.await(
                    "the first message buffered",
                    Duration.ofSeconds(60),
                    () -> metric("mailseal_smtp_memory_in_flight_bytes") >= 40 * MB);
            second.hello().startData("news@bank.example", "second@other.example");
            second.write("Subject: second\r\n\r\n" + body);
            assertThat(second.command(".")).isEqualTo(SmtpReply.MEMORY_BUDGET_EXHAUSTED.line());
            assertThat(first.command(".")).startsWith("250 2.0.0");
            assertThat(metric("mailseal_smtp_memory_budget_refusals_total")).isEqualTo(1.0);
            assertThat(second.command("RSET")).as("the session goes on").startsWith("250");
        }
        Eventually.await(
                "the accepted 40 MB message at the sink",
                Duration.ofSeconds(60),
                () -> world.sink().messages().stream().anyMatch(this::isFirst));
        List<CapturedMessage> all = controlOtpArrives();
        assertThat(all.stream().filter(this::isFirst)).hasSize(1);
        assertThat(all.stream().flatMap(m -> m.recipients().stream()))
                .doesNotContain("second@other.example");
        assertThat(metric("mailseal_smtp_memory_in_flight_bytes")).isZero();
        assertThat(relay.log()).contains("smtp.memory-budget of 52428800 bytes is spent");
    }

    @Test
    void eightMessagesNearTheSizeLimitAtOnceUnderTheDefaultBudgetNeverKillTheRelay()
            throws Exception {
        start("max-message-size = 50MiB");
        String body = "Subject: big\r\n\r\n" + ("y".repeat(98) + "\r\n").repeat(45 * MB / 100);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String to = "big" + i + "@other.example";
            replies.add(
                    senders.submit(
                            () -> {
                                try (SmtpDialog d = new SmtpDialog(smtp)) {
                                    // a message may wait up to a minute for the sealing share
                                    return d.patient(Duration.ofMinutes(3))
                                            .hello()
                                            .startData("news@bank.example", to)
                                            .endData(body);
                                }
                            }));
        }
        int accepted = 0;
        for (Future<String> reply : replies) {
            String line = reply.get(5, TimeUnit.MINUTES);
            // before the budget bounded sealing, the process died here (no reply: null)
            assertThat(line).as("a reply; none means the relay process died").isNotNull();
            assertThat(line)
                    .matches(
                            l ->
                                    l.startsWith("250 2.0.0")
                                            || SmtpReply.MEMORY_BUDGET_EXHAUSTED.matches(l),
                            "250 or 452 4.3.1");
            accepted += line.startsWith("250") ? 1 : 0;
        }
        senders.shutdown();
        int sent = accepted;
        Eventually.await(
                "every accepted message at the sink",
                Duration.ofSeconds(120),
                () -> world.sink().messages().size() >= sent);
        assertThat(controlOtpArrives()).hasSize(sent + 1);
    }

    private boolean isFirst(CapturedMessage m) {
        return m.recipients().contains("first@other.example") && m.content().length > 40 * MB;
    }
}
