package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoWorld;
import io.mailseal.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The heap one relay process needs for large messages (issue 17: one 50 MB message, eight 10 MB
 * messages at once), for a pass policy and for the encrypt + timestamp policy: the jar with the
 * shipped options ({@code -XX:+ExitOnOutOfMemoryError}) and the memory budget of the shipped {@code
 * -Xmx1g}, but a smaller heap, must accept and deliver every message. The heaps lie about a quarter
 * above the smallest that passed on the 2-core machine (2026-12-03, commit 65d1dbc: pass 1 x 50 MB
 * ran in 194 MiB and not in 164, 8 x 10 in 164; otp 1 x 50 in 514 and not in 464, 8 x 10 in 614 and
 * not in 514): a message copied once more than now fails. G1 does not move humongous arrays, so the
 * smallest heap depends on where they land, not only on what is live. Its own GC log ({@code
 * -Xlog:gc}) gives the figures for docs/ROBUSTNESS.md: the largest heap in use before a collection
 * and the largest left after one (garbage in regions not collected included).
 */
class IntakeHeapIT extends IntakeAttackIT {
    private static final int MB = 1_000_000;
    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    @ParameterizedTest(name = "{0}: {1} x {2} MB")
    @CsvSource({"pass, 1, 50, 256", "pass, 8, 10, 256", "otp, 1, 50, 640", "otp, 8, 10, 768"})
    void peakHeap(String policy, int messages, int megabytes, long heapMiB) throws Exception {
        Path gcLog = dir.resolve("gc.log");
        // the budget -Xmx1g gives, so that only the heap is smaller than shipped
        start(
                "max-message-size = 50MiB, data-timeout = 5m, memory-budget = 410MiB",
                List.of("-Xlog:gc:file=" + gcLog, "-Xmx" + heapMiB + "m"));
        long idle = relay.liveHeapMiB();
        boolean otp = policy.equals("otp");
        String to = otp ? ALICE : "big@other.example";
        String content =
                "From: <otp@bank.example>\r\nTo: <"
                        + to
                        + ">\r\nBcc: <audit@bank.example>\r\nSubject: big\r\n"
                        + (otp ? "X-Mail-Class: otp\r\n" : "")
                        + "\r\n"
                        + ("y".repeat(98) + "\r\n").repeat(megabytes * MB / 100);
        ExecutorService senders = Executors.newFixedThreadPool(messages);
        List<Future<String>> replies = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            replies.add(
                    senders.submit(
                            () -> {
                                try (SmtpDialog d = new SmtpDialog(smtp)) {
                                    return d.patient(Duration.ofMinutes(4))
                                            .hello()
                                            .startData(DemoWorld.BANK_SENDER, to)
                                            .endData(content);
                                }
                            }));
        }
        for (Future<String> reply : replies) {
            assertThat(reply.get(6, TimeUnit.MINUTES))
                    .as("the reply (relay running: %s)", relay.isAlive())
                    .startsWith("250 2.0.0");
        }
        senders.shutdown();
        Eventually.await(
                "every message at the sink",
                Duration.ofMinutes(3),
                () -> world.sink().messages().size() >= messages);
        if (!otp) { // pass mail arrives as sent less its Bcc, after the relay's Received field
            byte[] sent =
                    content.replace("Bcc: <audit@bank.example>\r\n", "")
                            .getBytes(StandardCharsets.US_ASCII);
            for (CapturedMessage m : world.sink().messages()) {
                byte[] got = m.content();
                assertThat(got.length).isGreaterThan(sent.length);
                assertThat(
                                Arrays.equals(
                                        got,
                                        got.length - sent.length,
                                        got.length,
                                        sent,
                                        0,
                                        sent.length))
                        .as("the received bytes at the end of what arrived")
                        .isTrue();
            }
        }
        assertThat(relay.isAlive())
                .as("the relay ran with a heap of %d MiB (-XX:+ExitOnOutOfMemoryError)", heapMiB)
                .isTrue();
        long before = idle;
        long after = 0;
        Matcher m = PAUSE.matcher(Files.readString(gcLog));
        while (m.find()) {
            before = Math.max(before, Long.parseLong(m.group(1)));
            after = Math.max(after, Long.parseLong(m.group(2)));
        }
        System.out.printf(
                "heap %s %d x %d MB: idle %d MiB, largest before a GC %d MiB, largest after"
                        + " a GC %d MiB%n",
                policy, messages, megabytes, idle, before, after);
        assertThat(after)
                .as("the GC log recorded a collection while the messages were in flight")
                .isPositive();
    }
}
