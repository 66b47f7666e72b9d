package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.demo.SubmissionClient.Reply;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.HostileMime;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's MIME attacks against the jar as its own process with the shipped JVM options ({@code
 * -Xmx1g -XX:+ExitOnOutOfMemoryError}): 1.4 million empty parts in under 10 MB and nesting 200
 * deep, as one-time-code mail (a policy seals it) and the parts also as pass mail. Each sealed one
 * is refused {@code 554 5.6.0} naming the limit, the pass one is forwarded; the process lives, a
 * one-time code sent right after is accepted and delivered, the pass message accepted before it
 * arrives whole, and the log holds no code. The relay's peak heap (the largest occupancy any GC
 * found, from {@code -Xlog:gc}) is printed for docs/ROBUSTNESS.md.
 */
class HostileMimeIT {
    static final String OTP_HEAD =
            "From: Example Bank <otp@bank.example>\r\nTo: "
                    + ALICE
                    + "\r\nSubject: Your sign-in code\r\nX-Mail-Class: otp\r\nMIME-Version: 1.0\r\n";
    static final String PASS_HEAD =
            "From: news@bank.example\r\nTo: news@other.example\r\nSubject: news\r\n"
                    + "MIME-Version: 1.0\r\n";
    private static final Pattern GC_OCCUPANCY = Pattern.compile(" (\\d+)M->(\\d+)M\\(");

    @TempDir Path dir;

    @Test
    void millionsOfPartsAndDeepNestingAreRefusedAndTheRelayKeepsServing() throws Exception {
        int smtp = LoopbackPorts.free();
        Path gc = dir.resolve("gc.log");
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            world.addCustomer(ALICE, KeyKind.RSA);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES, "smtp.listen = \"127.0.0.1:" + smtp + "\"");
            try (RelayProcess relay =
                    RelayProcess.start(
                            conf, smtp, dir.resolve("relay.log"), List.of("-Xlog:gc:file=" + gc))) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);
                byte[] parts = HostileMime.emptyParts(OTP_HEAD, 1_400_000);
                assertThat(parts.length).isBetween(9_000_000, 10_000_000);

                Reply partsReply;
                try {
                    partsReply = send(bank, "otp@bank.example", ALICE, parts);
                } catch (jakarta.mail.MessagingException e) {
                    System.out.printf(
                            "HostileMimeIT: 1.4 M empty parts: no reply (%s), relay alive: %s,"
                                    + " largest heap before a GC %d MiB%n",
                            e.getMessage(), relay.isAlive(), peakHeapMiB(gc));
                    throw e;
                }
                System.out.printf(
                        "HostileMimeIT: 1.4 M empty parts (%d bytes): %s; relay heap after it %s,"
                                + " largest before a GC so far %d MiB (-Xlog:gc)%n",
                        parts.length, partsReply.line(), heapUsed(relay), peakHeapMiB(gc));
                assertRefused(partsReply, "more than 1000 MIME parts");
                assertThat(relay.isAlive()).as("alive after the parts").isTrue();

                assertRefused(
                        send(
                                bank,
                                "otp@bank.example",
                                ALICE,
                                HostileMime.nested(OTP_HEAD, 200, false)),
                        "MIME nesting deeper than 20");
                assertRefused(
                        send(
                                bank,
                                "otp@bank.example",
                                ALICE,
                                HostileMime.nested(OTP_HEAD, 200, true)),
                        "MIME nesting deeper than 20");

                Reply pass =
                        send(
                                bank,
                                "news@bank.example",
                                "news@other.example",
                                HostileMime.emptyParts(PASS_HEAD, 1_400_000));
                assertThat(pass.code()).as("pass mail is forwarded as it came").isEqualTo(250);
                System.out.printf(
                        "HostileMimeIT: 1.4 M empty parts as pass mail: %s; relay heap after it %s,"
                                + " largest before a GC so far %d MiB%n",
                        pass.line(), heapUsed(relay), peakHeapMiB(gc));
                assertThat(relay.isAlive()).as("alive after the attacks").isTrue();

                String code = "739" + (System.nanoTime() % 1000);
                assertThat(
                                bank.send(
                                                "otp@bank.example",
                                                List.of(ALICE),
                                                BankMail.otp(ALICE, code))
                                        .code())
                        .as("a one-time code right after")
                        .isEqualTo(250);
                CapturedMessage delivered = BankMail.firstTo(world.sink(), ALICE);
                Path eml = Files.write(dir.resolve("otp.eml"), delivered.content());
                assertThat(delivered.text()).doesNotContain(code);
                assertThat(BankMail.opensslOpens(dir, eml, ALICE)).contains(code);
                assertThat(relay.log()).doesNotContain(code);
                Eventually.await(
                        "the pass message accepted earlier at the sink, whole",
                        Duration.ofSeconds(30),
                        () ->
                                world.sink().messages().stream()
                                        .anyMatch(
                                                m ->
                                                        m.recipients()
                                                                        .contains(
                                                                                "news@other.example")
                                                                && m.content().length > 9_000_000));
                assertThat(relay.isAlive()).isTrue();
            }
        }
    }

    private static Reply send(SubmissionClient bank, String from, String to, byte[] message)
            throws Exception {
        return bank.send(from, List.of(to), new String(message, StandardCharsets.US_ASCII));
    }

    private static void assertRefused(Reply reply, String reason) {
        assertThat(SmtpReply.MALFORMED_MESSAGE.matches(reply.line())).as(reply.line()).isTrue();
        assertThat(reply.text()).contains(reason);
    }

    private static String heapUsed(RelayProcess relay) {
        try {
            return relay.heapUsedMiB() + " MiB";
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")"; // the process died: the figure is the point
        }
    }

    /** The largest heap occupancy before any GC pause so far, in MiB. */
    static long peakHeapMiB(Path gcLog) throws Exception {
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_OCCUPANCY.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }
}
