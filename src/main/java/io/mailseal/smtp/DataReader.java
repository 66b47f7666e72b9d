package io.mailseal.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import org.subethamail.smtp.RejectException;

/**
 * Reads a message's content to the end of DATA and checks its bytes. {@link DotStream} ends DATA
 * only at {@code <CRLF>.<CRLF>} but passes a bare LF or bare CR through untouched; a relay that
 * forwards such bytes lets a next hop that ends DATA at {@code <LF>.<LF>} see a second, smuggled
 * message (CVE-2023-51764 and its kin). So, as Postfix's {@code smtpd_forbid_bare_newline}, a
 * message with any line end other than CRLF (RFC 5321 §2.3.8) is refused whole and the connection
 * closed. The size of the message, of its header section and of each line are limited too. A NUL
 * octet is refused the same way: RFC 5322 text has none, and a next hop that strips NULs would turn
 * {@code <CRLF>NUL.<CRLF>} into an end of data.
 *
 * <p>Whatever is wrong, the content is always read to its end first, so that the client's remaining
 * lines are never taken for commands; the reply then names the worst problem.
 */
final class DataReader {
    /** What can be wrong with the content, most serious first. */
    private enum Problem {
        BARE_NEWLINE,
        NUL,
        TOO_BIG,
        MEMORY_BUDGET,
        HEADER_TOO_BIG,
        LINE_TOO_LONG
    }

    private final int maxMessageSize;
    private final int maxLineLength;
    private final long maxHeaderSize;

    /** Line length and header section size count octets including CRLF. */
    DataReader(int maxMessageSize, int maxLineLength, long maxHeaderSize) {
        this.maxMessageSize = maxMessageSize;
        this.maxLineLength = maxLineLength;
        this.maxHeaderSize = maxHeaderSize;
    }

    /**
     * Reads and checks the content into {@code out} (whose budget reservation the caller releases
     * once the message has been answered for; it takes the content from there).
     */
    void read(InputStream data, MessageBuffer out) throws IOException, RejectException {
        EnumSet<Problem> problems = EnumSet.noneOf(Problem.class);
        byte[] buf = new byte[8192];
        long total = 0;
        long headerSize = 0;
        int lineLength = 0;
        boolean inHeader = true;
        boolean afterCr = false;
        int n;
        while ((n = data.read(buf)) != -1) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (afterCr ? b != '\n' : b == '\n') {
                    problems.add(Problem.BARE_NEWLINE);
                } else if (b == 0) {
                    problems.add(Problem.NUL);
                }
                afterCr = b == '\r';
                lineLength++;
                if (inHeader) {
                    headerSize++;
                }
                if (lineLength > maxLineLength) {
                    problems.add(Problem.LINE_TOO_LONG);
                }
                if (b == '\n') {
                    if (inHeader && lineLength <= 2) {
                        // the first empty line ends the header section and is not part of it (RFC
                        // 5322 §2.1)
                        inHeader = false;
                        headerSize -= lineLength;
                    }
                    lineLength = 0;
                }
            }
            if (headerSize > maxHeaderSize) {
                problems.add(Problem.HEADER_TOO_BIG);
            }
            total += n;
            if (total > maxMessageSize) {
                problems.add(Problem.TOO_BIG);
            } else if (!problems.contains(Problem.MEMORY_BUDGET) && !out.append(buf, 0, n)) {
                // keep reading (and checking) to the end of DATA, buffering nothing more
                problems.add(Problem.MEMORY_BUDGET);
            }
        }
        if (afterCr) {
            problems.add(Problem.BARE_NEWLINE);
        }
        if (problems.isEmpty()) {
            return;
        }
        throw switch (problems.iterator().next()) {
            case BARE_NEWLINE -> SmtpReply.BARE_NEWLINE_IN_DATA.drop();
            case NUL -> SmtpReply.NUL_IN_DATA.drop();
            case TOO_BIG -> SmtpReply.MESSAGE_TOO_BIG.reject(maxMessageSize);
            case MEMORY_BUDGET -> SmtpReply.MEMORY_BUDGET_EXHAUSTED.reject();
            case HEADER_TOO_BIG -> SmtpReply.HEADER_TOO_BIG.reject(maxHeaderSize);
            case LINE_TOO_LONG -> SmtpReply.LINE_TOO_LONG.reject(maxLineLength);
        };
    }
}
