package io.mailseal.it;

import static io.mailseal.testing.Replies.entry;
import static org.assertj.core.api.Assertions.anyOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.RelayUnderTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Malformed MIME under an {@code encrypt} policy, over SMTP into the real intake: each message is
 * either sealed as it came (openssl finds the one-time code inside the envelope) or refused {@code
 * 554 5.6.x}; never forwarded in plaintext, never a 451, never a lost connection; the relay keeps
 * serving.
 *
 * <p>The fuzz test runs {@value #DEFAULT_FUZZ_SECONDS} s in {@code mvn verify}; a longer run:
 * {@code mvn verify -Dtest=none -Dit.test=MalformedMimeIT -Dmailseal.fuzz.seconds=1800
 * -Dmailseal.fuzz.seed=N}. A failing message is kept in {@code target/fuzz-failures/}.
 */
class MalformedMimeIT {
    static final int DEFAULT_FUZZ_SECONDS = 30;
    static final String POLICIES =
            """
            { name = otp, match { to = "*@customer.example" }, action = encrypt, timestamp = required,
              on-missing-certificate = reject }
            { name = default, action = pass }""";
    static final String ALICE = "alice@customer.example";
    static final String MARKER = MimeMutator.MARKER;

    @RegisterExtension
    final RelayUnderTest relay = RelayUnderTest.withPolicies(POLICIES).customer(ALICE, KeyKind.RSA);

    Path dir;
    DemoWorld world;
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger)
                    LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        dir = relay.dir();
        world = relay.world();
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
    }

    /**
     * One SMTP connection at a time, a new one whenever the relay closed the last (a bare CR or LF,
     * or a NUL, in DATA closes it).
     */
    private final class Submitter implements AutoCloseable {
        private SmtpDialog smtp;

        String submit(byte[] content) throws IOException {
            if (smtp == null) {
                smtp = new SmtpDialog(relay.port()).hello();
            }
            String reply =
                    smtp.startData("otp@bank.example", ALICE)
                            .endData(new String(content, StandardCharsets.ISO_8859_1));
            if (reply == null
                    || reply.startsWith("421")
                    || SmtpReply.BARE_NEWLINE_IN_DATA.matches(reply)
                    || SmtpReply.NUL_IN_DATA.matches(reply)) {
                close();
            }
            return reply;
        }

        @Override
        public void close() throws IOException {
            if (smtp != null) {
                smtp.close();
                smtp = null;
            }
        }
    }

    private static boolean fromTheTable(String reply) {
        return reply != null && Arrays.stream(SmtpReply.values()).anyMatch(r -> r.matches(reply));
    }

    /** Sealed or refused 5xx by a reply of the table: nothing else is acceptable. */
    private static boolean acceptable(String reply) {
        return fromTheTable(reply) && (SmtpReply.QUEUED.matches(reply) || reply.startsWith("5"));
    }

    static Stream<Arguments> malformed() {
        String head =
                "From: Example Bank <otp@bank.example>\r\nTo: "
                        + ALICE
                        + "\r\nSubject: Code "
                        + MARKER
                        + "\r\nMIME-Version: 1.0\r\n";
        StringBuilder deep = new StringBuilder(head);
        for (int d = 0; d < 200; d++) {
            deep.append("Content-Type: multipart/mixed; boundary=\"n")
                    .append(d)
                    .append("\"\r\n\r\n--n")
                    .append(d)
                    .append("\r\n");
        }
        deep.append("Content-Type: text/plain\r\n\r\nYour code is ").append(MARKER).append("\r\n");
        for (int d = 199; d >= 0; d--) {
            deep.append("--n").append(d).append("--\r\n");
        }
        return Stream.of(
                Arguments.of(
                        "broken boundary",
                        head
                                + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b2\r\n"
                                + "Content-Type: text/plain\r\n\r\nYour code is "
                                + MARKER
                                + "\r\n--b2--\r\n"),
                Arguments.of(
                        "no closing boundary",
                        head
                                + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
                                + "Content-Type: text/plain\r\n\r\nYour code is "
                                + MARKER
                                + "\r\n"),
                Arguments.of(
                        "multipart without boundary",
                        head
                                + "Content-Type: multipart/mixed\r\n\r\n"
                                + "Your code is "
                                + MARKER
                                + "\r\n"),
                Arguments.of(
                        "8-bit header garbage",
                        head
                                + "X-Note: \u00ff\u00fe\u0080 garbage\r\n"
                                + "Keywords: \u00e9t\u00e9\r\n\r\nYour code is "
                                + MARKER
                                + "\r\n"),
                Arguments.of(
                        "invalid RFC 2047",
                        head.replace("Subject: Code ", "Subject: =?utf-8?Q?broken ")
                                        .replace("Example Bank", "=?bogus-charset?B?!!!?=")
                                + "\r\nYour code is "
                                + MARKER
                                + "\r\n"),
                Arguments.of("nesting 200 deep", deep.toString()),
                Arguments.of(
                        "missing headers",
                        "Subject: Code " + MARKER + "\r\n\r\nYour code is " + MARKER + "\r\n"),
                Arguments.of("no header/body separator", head + "Your code is " + MARKER + "\r\n"),
                Arguments.of("no header at all", "\r\nYour code is " + MARKER + "\r\n"),
                Arguments.of(
                        "unknown charset and encoding",
                        head
                                + "Content-Type: text/plain; charset=x-nonesuch\r\n"
                                + "Content-Transfer-Encoding: base65\r\n\r\nYour code is "
                                + MARKER
                                + " \u00e9\r\n"),
                Arguments.of(
                        "bad Content-Type",
                        head
                                + "Content-Type: text/plain; charset=\"unterminated\r\n\r\n"
                                + "Your code is "
                                + MARKER
                                + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMimeIsSealedAsItCameOrRefused554(String name, String message) throws Exception {
        String reply;
        try (Submitter bank = new Submitter()) {
            reply = bank.submit(message.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(acceptable(reply)).as(name + ": " + reply).isTrue();
            if (reply.startsWith("5")) {
                assertThat(reply)
                        .is(
                                anyOf(
                                        entry(SmtpReply.MALFORMED_MESSAGE),
                                        entry(SmtpReply.LINE_TOO_LONG)));
            }
            assertThat(
                            bank.submit(
                                    MimeMutator.template(0).stream()
                                            .reduce((a, b) -> a + "\r\n" + b)
                                            .orElseThrow()
                                            .getBytes(StandardCharsets.ISO_8859_1)))
                    .as("the relay keeps serving")
                    .is(entry(SmtpReply.QUEUED));
        }
        assertThat(
                        world.sink()
                                .awaitMessages(
                                        reply.startsWith("250") ? 2 : 1, Duration.ofSeconds(20)))
                .isTrue();
        for (CapturedMessage m : world.sink().messages()) {
            assertThat(m.text()).doesNotContain(MARKER).contains("application/pkcs7-mime");
        }
        if (reply.startsWith("250")) {
            Path eml =
                    Files.write(
                            dir.resolve("sealed.eml"),
                            world.sink().messages().stream()
                                    .filter(m -> !m.text().contains("fuzz@bank.example"))
                                    .findFirst()
                                    .orElseThrow()
                                    .content());
            ExternalTool.ok(
                    dir,
                    "openssl",
                    "cms",
                    "-decrypt",
                    "-in",
                    eml.toString(),
                    "-recip",
                    "customers/" + ALICE + ".crt",
                    "-inkey",
                    "customers/" + ALICE + ".key",
                    "-out",
                    "inner.eml");
            assertThat(Files.readString(dir.resolve("inner.eml"), StandardCharsets.ISO_8859_1))
                    .contains(MARKER);
        }
        assertThat(errors()).isEmpty();
    }

    private List<String> errors() {
        return logs.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
    }

    @Test
    void seededRandomMalformedMimeNeverLeaksNeverFailsOurselvesAndNeverStopsTheRelay()
            throws Exception {
        long seed = Long.getLong("mailseal.fuzz.seed", 20261125L);
        Duration budget =
                Duration.ofSeconds(Long.getLong("mailseal.fuzz.seconds", DEFAULT_FUZZ_SECONDS));
        MimeMutator mutator = new MimeMutator(seed);
        List<String> failures = new ArrayList<>();
        int sealed = 0;
        int refused = 0;
        long deadline = System.nanoTime() + budget.toNanos();
        int i = 0;
        try (Submitter bank = new Submitter()) {
            for (; System.nanoTime() < deadline && failures.size() < 10; i++) {
                byte[] message = mutator.next();
                String reply = bank.submit(message);
                if (!acceptable(reply)) {
                    Path kept =
                            Files.createDirectories(Path.of("target", "fuzz-failures"))
                                    .resolve("seed-" + seed + "-" + i + ".eml");
                    Files.write(kept, message);
                    failures.add("#" + i + " " + reply + " (" + kept + ")");
                } else if (reply.startsWith("250")) {
                    sealed++;
                } else {
                    refused++;
                }
            }
        }
        System.out.printf(
                "fuzz seed %d: %d messages in %s, %d sealed, %d refused, %d failures%n",
                seed, i, budget, sealed, refused, failures.size());
        assertThat(failures).as("seed " + seed).isEmpty();
        assertThat(world.sink().awaitMessages(sealed, Duration.ofSeconds(30)))
                .as("every sealed message delivered")
                .isTrue();
        assertThat(world.sink().messages())
                .allSatisfy(m -> assertThat(m.text()).doesNotContain(MARKER));
        assertThat(sealed).as("the mutator still produces mail that can be sealed").isPositive();
        assertThat(refused).as("and mail that cannot").isPositive();
        assertThat(errors()).isEmpty();
    }
}
