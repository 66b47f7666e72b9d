package io.mailseal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.testing.HostileMime;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile MIME is refused from the bytes, quickly and in little memory; well-formed MIME is counted
 * as Jakarta Mail will build it.
 */
class MimeLimitsTest {
    private static final MimeLimits DEFAULTS = new MimeLimits(20, 1000, 1000, 100 * 1024);
    private static final String HEAD = "From: otp@bank.example\r\nSubject: code\r\n";

    /** Class loading is not the scan's memory: load what it uses before anything is measured. */
    @BeforeAll
    static void loadClasses() {
        DEFAULTS.problem(nested(3, false));
        measured(() -> DEFAULTS.problem(nested(3, true)));
    }

    private static Optional<String> problem(MimeLimits limits, String message) {
        return limits.problem(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] emptyParts(int count) {
        return HostileMime.emptyParts(HEAD, count);
    }

    static byte[] nested(int depth, boolean rfc822) {
        return HostileMime.nested(HEAD, depth, rfc822);
    }

    /**
     * A pass message is not scanned (it is forwarded as it came), so what runs for every message,
     * the parse for the policy facts, must not build its tree either.
     */
    @Test
    void theFactsOfEveryMessageComeFromItsHeaderSectionOnly() {
        byte[] attack = emptyParts(1_400_000);
        assertThat(
                        measured(
                                () -> {
                                    try {
                                        MimeParsing.facts(
                                                "otp@bank.example", MimeParsing.parse(attack));
                                        return Optional.empty();
                                    } catch (jakarta.mail.MessagingException e) {
                                        return Optional.of(e.toString());
                                    }
                                },
                                3L * attack.length))
                .isEmpty();
    }

    @Test
    void deepNestingIsRefusedWithRfc822CountedAsALevel() {
        byte[] multiparts = nested(200, false);
        byte[] messages = nested(200, true);
        assertThat(measured(() -> DEFAULTS.problem(multiparts)))
                .contains("MIME nesting deeper than 20");
        assertThat(measured(() -> DEFAULTS.problem(messages)))
                .contains("MIME nesting deeper than 20");
        assertThat(DEFAULTS.problem(nested(20, false))).isEmpty();
        assertThat(DEFAULTS.problem(nested(20, true))).isEmpty();
        assertThat(DEFAULTS.problem(nested(21, true))).contains("MIME nesting deeper than 20");
    }

    @Test
    void headerFieldsAndHeaderBytesPerEntityAreBounded() {
        String part = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n";
        byte[] manyFields =
                (HEAD + part + "X-A: 1\r\n".repeat(100_000) + "\r\nx\r\n--b--\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        assertThat(measured(() -> DEFAULTS.problem(manyFields)))
                .contains("more than 1000 header fields in a MIME entity");
        assertThat(problem(DEFAULTS, HEAD + part + "X-A: 1\r\n".repeat(998) + "\r\nx\r\n--b--\r\n"))
                .as("998 in the part, the limit counts per entity")
                .isEmpty();
        String folded = "X-A: 1\r\n" + " continued\r\n".repeat(10_000);
        assertThat(problem(DEFAULTS, HEAD + part + folded + "\r\nx\r\n--b--\r\n"))
                .contains("a MIME header section is larger than 102400 bytes");
    }

    @Test
    void encodedContainersAreRefusedBecauseTheirTreeIsNotInTheBytes() {
        String encoded =
                HEAD
                        + "Content-Type: multipart/mixed; boundary=b\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\nLS1i\r\n";
        assertThat(problem(DEFAULTS, encoded)).get().asString().contains("RFC 2045 6.4");
        assertThat(problem(DEFAULTS, HEAD + "Content-Transfer-Encoding: 8bit\r\n\r\nx\r\n"))
                .isEmpty();
    }

    @Test
    void headerNamesAreReadAsJakartaMailReadsThem() {
        String spaced =
                HEAD
                        + "content-TYPE : multipart/mixed;\r\n boundary=\"b\"\r\n\r\n"
                        + "--b\r\n\r\n--b \t\r\n\r\n--b\r\n\r\n--b--\r\n";
        assertThat(problem(new MimeLimits(20, 2, 1000, 1 << 20), spaced))
                .contains("more than 2 MIME parts");
        assertThat(problem(new MimeLimits(20, 3, 1000, 1 << 20), spaced)).isEmpty();
    }

    /** Random trees: the scan counts parts and depth exactly as Jakarta Mail builds them. */
    @Test
    void countsAgreeWithJakartaMailOnGeneratedTrees() throws Exception {
        Random random = new Random(17);
        int compared = 0;
        for (int i = 0; i < 300; i++) {
            StringBuilder body = new StringBuilder();
            entity(body, random, 0, random.nextBoolean() ? "b" : "outer");
            byte[] bytes = (HEAD + body).getBytes(StandardCharsets.US_ASCII);
            int[] tree; // {parts, depth}
            try {
                tree = walk(MimeParsing.parse(bytes), 0);
            } catch (ParseException e) {
                continue; // an inner multipart that lost its delimiters to the outer one
            }
            compared++;
            assertThat(new MimeLimits(tree[1], tree[0], 1000, 1 << 20).problem(bytes))
                    .as("case %d", i)
                    .isEmpty();
            if (tree[0] > 0) {
                assertThat(new MimeLimits(tree[1], tree[0] - 1, 1000, 1 << 20).problem(bytes))
                        .as("case %d", i)
                        .isPresent();
            }
            if (tree[1] > 1) {
                assertThat(new MimeLimits(tree[1] - 1, tree[0], 1000, 1 << 20).problem(bytes))
                        .as("case %d", i)
                        .isPresent();
            }
        }
        assertThat(compared).isGreaterThan(150);
    }

    /** Random MIME; boundaries reused in nested levels on purpose (the outer one wins). */
    private static void entity(StringBuilder m, Random random, int depth, String boundary) {
        int kind = depth > 4 ? 0 : random.nextInt(3);
        if (kind == 1) {
            m.append("Content-Type: multipart/mixed; boundary=")
                    .append(boundary)
                    .append("\r\n\r\n");
            m.append("preamble\r\n");
            int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                m.append("--").append(boundary).append(random.nextBoolean() ? "\r\n" : " \r\n");
                String inner = random.nextInt(4) == 0 ? boundary : boundary + depth + p;
                entity(m, random, depth + 1, inner);
            }
            if (random.nextInt(5) > 0) {
                m.append("--").append(boundary).append("--\r\nepilogue\r\n");
            }
        } else if (kind == 2) {
            m.append("Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n");
            entity(m, random, depth + 1, boundary + "r");
        } else {
            m.append("Content-Type: text/plain\r\n\r\nline\r\n--").append(boundary).append("x\r\n");
        }
    }

    private static int[] walk(Part part, int depth) throws Exception {
        int[] result = {0, depth};
        Object content = part.isMimeType("text/*") ? null : part.getContent();
        if (content instanceof MimeMultipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                add(result, walk(multipart.getBodyPart(i), depth + 1));
            }
        } else if (content instanceof MimeMessage inner) {
            add(result, walk(inner, depth + 1));
        }
        return result;
    }

    private static void add(int[] total, int[] child) {
        total[0] += 1 + child[0];
        total[1] = Math.max(total[1], child[1]);
    }

    /** Runs {@code check} and asserts it took under 2 s and allocated under 4 MiB (or the max). */
    private static Optional<String> measured(Supplier<Optional<String>> check) {
        return measured(check, 4L << 20);
    }

    private static Optional<String> measured(Supplier<Optional<String>> check, long maxBytes) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        long start = System.nanoTime();
        Optional<String> result = check.get();
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("milliseconds").isLessThan(2000);
        assertThat(allocated).as("bytes allocated").isLessThan(maxBytes);
        return result;
    }
}
