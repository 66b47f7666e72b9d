package io.mailseal.smtp;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.server.Session;

/**
 * MAIL with a declared SIZE (RFC 1870 §6.2), answered before any byte is sent: {@code 552 5.3.4}
 * when it is over {@code smtp.max-message-size}, {@code 452 4.3.1} when the memory budget could not
 * take it now (nothing is reserved: DATA reserves as it reads, and may still find the budget
 * spent). The library's own check reads SIZE only as the last parameter and fails on a number over
 * 2^31; this one reads it anywhere, of any length. Like the library's, it comes before the sender
 * is looked at.
 */
final class DeclaredSize extends IntakeCommands.Around {
    private static final Logger log = LoggerFactory.getLogger(DeclaredSize.class);

    /** The SIZE parameter after the reverse-path: the keyword is case-insensitive (§3). */
    private static final Pattern SIZE = Pattern.compile("(?i)>\\s.*?\\bSIZE=(\\d+)(?=\\s|$)");

    /** More digits than this are over any limit a long can hold. */
    private static final int MOST_DIGITS = 18;

    private final MemoryBudget budget;
    private final String budgetKey;

    DeclaredSize(Command mail, MemoryBudget budget, String budgetKey) {
        super(mail);
        this.budget = budget;
        this.budgetKey = budgetKey;
    }

    @Override
    public void execute(String commandString, Session session)
            throws IOException, DropConnectionException {
        Optional<Long> declared = declared(commandString);
        long max = session.getServer().getMaxMessageSize();
        if (declared.isEmpty() || session.isMailTransactionInProgress()) {
            inner.execute(commandString, session);
        } else if (declared.get() > max) {
            session.sendResponse(SmtpReply.MESSAGE_TOO_BIG.line(max));
        } else if (!budget.fits(declared.get())) {
            budget.refused();
            log.warn(
                    "refused MAIL from {}: SIZE={} does not fit in {} of {} bytes now",
                    session.getRemoteAddress().getAddress().getHostAddress(),
                    declared.get(),
                    budgetKey,
                    budget.capacity());
            session.sendResponse(SmtpReply.MEMORY_BUDGET_EXHAUSTED.line());
        } else {
            inner.execute(commandString, session);
        }
    }

    /** The declared size; {@link Long#MAX_VALUE} for a number too long for a long. */
    static Optional<Long> declared(String commandString) {
        Matcher m = SIZE.matcher(commandString);
        if (!m.find()) {
            return Optional.empty();
        }
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
        return Optional.of(digits.length() > MOST_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits));
    }
}
