package io.mailseal.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.command.HelloCommand;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * The SMTP commands mailseal answers differently from SubEthaSMTP 7.2. The library has no builder
 * option for these, so they replace its own in the server's command table (an internal API:
 * re-check on every SubEthaSMTP upgrade).
 *
 * <ul>
 *   <li>EHLO does not offer CHUNKING: BDAT content is binary (RFC 3030 §3), where a bare LF is
 *       legal but is exactly what a smuggled message is made of, and the library's BDAT reader
 *       takes a connection lost mid-chunk for the end of the message. It does not offer SMTPUTF8
 *       either: the delivery side does not carry it on. Every message comes by DATA.
 *   <li>EHLO offers AUTH only inside TLS, and STARTTLS only before it; the library offers AUTH in
 *       the clear unless STARTTLS is required for everything.
 *   <li>AUTH closes the connection after the reply to the last wrong password ({@link
 *       SmtpAuthentication#MAX_FAILURES}); the library has no limit.
 *   <li>HELO and EHLO refuse a domain that is not printable ASCII (NUL, ESC and other controls
 *       would reach the Received: field and the logs).
 *   <li>MAIL checks a declared SIZE against the limit and the memory budget ({@link DeclaredSize}).
 *   <li>DATA reads the content in blocks ({@link DataCommand}, {@link DotStream}); the library
 *       reads it a byte at a time, a third of the CPU a 10 MB message costs.
 *   <li>Every command tells the {@link SessionWatch} when it starts and when its reply is out, so
 *       the watch knows how long the client has been sending its next command line.
 * </ul>
 */
final class IntakeCommands {
    /**
     * Commands whose execution waits on the client (the TLS handshake, AUTH's challenges): their
     * time counts against the command deadline like the command line's own.
     */
    private static final Set<String> CLIENT_PACED = Set.of("STARTTLS", "AUTH");

    private IntakeCommands() {}

    /** {@code budgetKey}: the memory budget's key as this intake's logs name it. */
    static void install(
            SMTPServer server, SessionWatch watch, MemoryBudget budget, String budgetKey) {
        var table = server.getCommandHandler();
        table.addCommand(new DeclaredSize(table.getCommand("MAIL"), budget, budgetKey));
        table.addCommand(new Ehlo());
        table.addCommand(new PrintableHello(new HelloCommand()));
        table.addCommand(new NotOffered("BDAT"));
        table.addCommand(new DataCommand());
        server.getAuthenticationHandlerFactory()
                .filter(SmtpAuthentication.class::isInstance)
                .map(SmtpAuthentication.class::cast)
                .ifPresent(
                        auth -> table.addCommand(new ClosingAuth(table.getCommand("AUTH"), auth)));
        for (String verb : Set.copyOf(table.getVerbs())) {
            table.addCommand(
                    new Watched(table.getCommand(verb), watch, CLIENT_PACED.contains(verb)));
        }
    }

    /** Whether the argument of HELO or EHLO ({@code commandString} less the verb) is printable. */
    private static boolean printableHello(String commandString) {
        return commandString.chars().skip(4).allMatch(c -> c >= ' ' && c < 0x7f);
    }

    /** A command of the library's, with something done around it. */
    abstract static class Around implements Command {
        final Command inner;

        Around(Command inner) {
            this.inner = inner;
        }

        @Override
        public HelpMessage getHelp() throws CommandException {
            return inner.getHelp();
        }

        @Override
        public String getName() {
            return inner.getName();
        }
    }

    /**
     * A command whose start and end the {@link SessionWatch} learns; a client-paced one stays on
     * the client's clock until its reply is out.
     */
    private static final class Watched extends Around {
        private final SessionWatch watch;
        private final boolean clientPaced;

        Watched(Command command, SessionWatch watch, boolean clientPaced) {
            super(command);
            this.watch = watch;
            this.clientPaced = clientPaced;
        }

        @Override
        public void execute(String commandString, Session session)
                throws IOException, DropConnectionException {
            if (!clientPaced && !watch.busy(session)) {
                return; // cut already: the watch answers and closes
            }
            try {
                inner.execute(commandString, session);
            } finally {
                watch.awaitCommand(session);
            }
        }
    }

    /** The library's HELO, for a printable domain only. */
    private static final class PrintableHello extends Around {
        PrintableHello(Command helo) {
            super(helo);
        }

        @Override
        public void execute(String commandString, Session session)
                throws IOException, DropConnectionException {
            if (printableHello(commandString)) {
                inner.execute(commandString, session);
            } else {
                session.sendResponse(SmtpReply.NOT_PRINTABLE_HELLO.line("HELO"));
            }
        }
    }

    /**
     * The library's AUTH; the session ends once its failures reached the limit (the 421 is sent).
     */
    private static final class ClosingAuth extends Around {
        private final SmtpAuthentication limits;

        ClosingAuth(Command auth, SmtpAuthentication limits) {
            super(auth);
            this.limits = limits;
        }

        @Override
        public void execute(String commandString, Session session)
                throws IOException, DropConnectionException {
            inner.execute(commandString, session);
            if (limits.exhausted(session)) {
                session.quit();
            }
        }
    }

    /** RFC 5321 §4.1.1.1, with the extensions mailseal really offers. */
    private static final class Ehlo extends BaseCommand {
        Ehlo() {
            super("EHLO", "Introduce yourself.", "<hostname>");
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            String[] args = getArgs(commandString);
            if (args.length < 2) {
                session.sendResponse(SmtpReply.EHLO_SYNTAX.line());
                return;
            }
            if (!printableHello(commandString)) {
                session.sendResponse(SmtpReply.NOT_PRINTABLE_HELLO.line("EHLO"));
                return;
            }
            session.resetMailTransaction();
            session.setHelo(args[1]);
            SMTPServer server = session.getServer();
            List<String> lines = new ArrayList<>();
            lines.add(server.getHostName());
            lines.add("8BITMIME");
            lines.add("SIZE " + server.getMaxMessageSize()); // RFC 1870
            if (server.getEnableTLS() && !session.isTLSStarted()) {
                lines.add("STARTTLS"); // not again once TLS is on (RFC 3207 §4.2)
            }
            if (session.isTLSStarted()) {
                // passwords only inside TLS
                server.getAuthenticationHandlerFactory()
                        .ifPresent(
                                auth ->
                                        lines.add(
                                                "AUTH "
                                                        + String.join(
                                                                " ",
                                                                auth
                                                                        .getAuthenticationMechanisms())));
            }
            StringBuilder reply = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                reply.append(i == 0 ? "" : "\r\n")
                        .append("250")
                        .append(i == lines.size() - 1 ? ' ' : '-')
                        .append(lines.get(i));
            }
            session.sendResponse(reply.toString());
        }
    }

    /** A command the library implements but mailseal does not offer. */
    private static final class NotOffered extends BaseCommand {
        NotOffered(String verb) {
            super(verb, "Not offered here.");
        }

        @Override
        public void execute(String commandString, Session session) throws IOException {
            session.sendResponse(SmtpReply.COMMAND_NOT_OFFERED.line(getName()));
        }
    }
}
