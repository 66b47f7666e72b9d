package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;

class DataReaderTest {
    private static final DataReader READER = new DataReader(1024, 100, 200);

    private static RejectException refusal(String mail) {
        return catchThrowableOfType(RejectException.class, () -> read(stream(mail)));
    }

    /** Read with a budget that always has room. */
    private static byte[] read(InputStream in) throws Exception {
        try (MessageBuffer buffer = new MessageBuffer(new MemoryBudget(1L << 30))) {
            READER.read(in, buffer);
            return buffer.content();
        }
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void crlfContentIsReturnedByteForByte() throws Exception {
        String mail = "Subject: x\r\n\r\nline\r\n\r\nlast\r\n";
        assertThat(new String(read(stream(mail)), StandardCharsets.ISO_8859_1)).isEqualTo(mail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb\r\n", "a\rb\r\n", "a\r\r\n", "a\r\n\n", "a\r\nlast\r"})
    void anyLineEndButCrlfDropsTheConnectionAfterReadingEverything(String mail) {
        ByteArrayInputStream in = stream(mail + "tail that must be consumed\r\n");
        DropConnectionException e =
                catchThrowableOfType(DropConnectionException.class, () -> read(in));
        assertThat(e.getErrorResponse()).isEqualTo(SmtpReply.BARE_NEWLINE_IN_DATA.line());
        assertThat(in.available()).isZero();
    }

    @Test
    void aBareNewlineOutweighsTheSizeLimit() {
        String big = "x".repeat(2000) + "\r\n";
        DropConnectionException e =
                catchThrowableOfType(
                        DropConnectionException.class, () -> read(stream(big + "a\nb\r\n")));
        assertThat(e.getCode()).isEqualTo(554);
    }

    @Test
    void oversizeContentIsRefusedWith552AfterReadingEverything() {
        ByteArrayInputStream in =
                stream("Subject: x\r\n\r\n" + ("y".repeat(90) + "\r\n").repeat(20));
        RejectException e = catchThrowableOfType(RejectException.class, () -> read(in));
        assertThat(e).isNotInstanceOf(DropConnectionException.class);
        assertThat(e.getErrorResponse()).isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1024));
        assertThat(in.available()).isZero();
    }

    @Test
    void aLineOfMaxLengthWithItsCrlfPassesOneOctetMoreIsRefused() throws Exception {
        assertThat(read(stream("S: x\r\n\r\n" + "z".repeat(98) + "\r\n"))).hasSize(108);
        assertThat(refusal("S: x\r\n\r\n" + "z".repeat(99) + "\r\n").getErrorResponse())
                .isEqualTo(SmtpReply.LINE_TOO_LONG.line(100));
        assertThat(refusal("S: x\r\n\r\n" + "z".repeat(500)).getErrorResponse())
                .as("no line end at all")
                .isEqualTo(SmtpReply.LINE_TOO_LONG.line(100));
    }

    @Test
    void theHeaderSectionEndsAtTheFirstEmptyLine() throws Exception {
        String header = ("X-A: " + "h".repeat(43) + "\r\n").repeat(4); // 4 x 50 octets = 200
        assertThat(read(stream(header + "\r\n" + ("body\r\n").repeat(100)))).isNotEmpty();
        assertThat(refusal(header + "X-B: 1\r\n\r\nbody\r\n").getErrorResponse())
                .isEqualTo(SmtpReply.HEADER_TOO_BIG.line(200));
        assertThat(refusal(header + "no empty line, so all header\r\n").getCode()).isEqualTo(552);
    }

    @Test
    void aNulOctetDropsTheConnectionAfterReadingEverything() {
        // <CRLF>NUL.<CRLF>: a next hop that strips NULs would end DATA there
        ByteArrayInputStream in = stream("Subject: x\r\n\r\nfirst\r\n\0.\r\nMAIL FROM:<x@y>\r\n");
        DropConnectionException e =
                catchThrowableOfType(DropConnectionException.class, () -> read(in));
        assertThat(e.getErrorResponse()).isEqualTo(SmtpReply.NUL_IN_DATA.line());
        assertThat(in.available()).isZero();
    }

    @Test
    void aSpentBudgetIsAnswered452AfterReadingEverythingAndHoldsNothingMore() throws Exception {
        MemoryBudget budget = new MemoryBudget(3L * MessageBuffer.CHUNK);
        String big = "Subject: x\r\n\r\n" + ("y".repeat(98) + "\r\n").repeat(1000); // 100 KB
        DataReader reader = new DataReader(1 << 20, 1000, 1000);
        try (MessageBuffer first = new MessageBuffer(budget)) {
            reader.read(stream(big), first);
            assertThat(first.content()).hasSize(big.length());
            assertThat(budget.reserved()).isEqualTo(2L * MessageBuffer.CHUNK);
            ByteArrayInputStream second = stream(big);
            try (MessageBuffer buffer = new MessageBuffer(budget)) {
                RejectException e =
                        catchThrowableOfType(
                                RejectException.class, () -> reader.read(second, buffer));
                assertThat(e).isNotInstanceOf(DropConnectionException.class);
                assertThat(e.getErrorResponse())
                        .isEqualTo(SmtpReply.MEMORY_BUDGET_EXHAUSTED.line());
                assertThat(second.available()).isZero();
                assertThat(budget.reserved()).isEqualTo(3L * MessageBuffer.CHUNK);
            }
            assertThat(budget.reserved())
                    .as("the refused one gave back")
                    .isEqualTo(2L * MessageBuffer.CHUNK);
        }
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void oversizeOutweighsASpentBudget() {
        MemoryBudget empty = new MemoryBudget(0);
        RejectException e =
                catchThrowableOfType(
                        RejectException.class,
                        () -> READER.read(stream("x".repeat(2000)), new MessageBuffer(empty)));
        assertThat(e.getErrorResponse()).isEqualTo(SmtpReply.MESSAGE_TOO_BIG.line(1024));
    }
}
