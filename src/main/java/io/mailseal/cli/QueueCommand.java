package io.mailseal.cli;

import io.mailseal.admin.AdminServer;
import io.mailseal.config.RelayConfig;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The spool as an operator sees it (Postfix: mailq, postcat -h, postqueue -f, postsuper -d). Works
 * beside a running relay: list/show/delete read and change files in {@code spool.directory} (a
 * deleted message is not sent: every attempt reads the spool); flush asks the running relay over
 * the admin port. Bodies are never shown — of protected mail the spool holds ciphertext anyway, and
 * the outer headers are the obscured ones. With {@code mailseal.inbound}, the inbound spool ({@code
 * <spool.directory>/inbound}) is listed, shown and deleted from too, its entries marked {@code
 * inbound}; of those only the envelope is shown, never a header of the customer's mail (its Subject
 * is in the clear) nor anything decrypted.
 */
@Command(name = "queue", description = "List, show, flush or delete queued mail.")
final class QueueCommand {
    @Mixin ConfigFile config;

    @Spec CommandSpec spec;

    private static final String OUTBOUND = "outbound";

    private Spool spool(RelayConfig c) throws IOException {
        if (!Files.isDirectory(c.spoolDirectory().resolve("queue"))) {
            throw new IOException(
                    "no spool at " + c.spoolDirectory() + " (mailseal.spool.directory)");
        }
        return new Spool(c.spoolDirectory());
    }

    /** The spools by direction: outbound, then inbound when relay.conf has it and it exists. */
    private Map<String, Spool> spools(RelayConfig c) throws IOException {
        Map<String, Spool> spools = new LinkedHashMap<>();
        spools.put(OUTBOUND, spool(c));
        Path inbound = c.spoolDirectory().resolve("inbound");
        if (c.inbound().isPresent() && Files.isDirectory(inbound.resolve("queue"))) {
            spools.put("inbound", new Spool(inbound));
        }
        return spools;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "One line per queued message: id, direction (outbound or inbound), policy,"
                            + " expiry, sender, recipients, size.")
    int list() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int n = 0;
        int inbound = 0;
        for (Map.Entry<String, Spool> spool : spools(config.load()).entrySet()) {
            for (String id : spool.getValue().ids()) {
                Optional<SpooledMessage> m = readQuietly(spool.getValue(), id);
                if (m.isPresent()) {
                    SpooledMessage s = m.get();
                    out.printf(
                            "%-28s %-8s %-8s %-24s <%s> %s %s%n",
                            id,
                            spool.getKey(),
                            s.policy(),
                            s.expires(),
                            s.envelopeFrom(),
                            String.join(",", s.recipients()),
                            s.content().length + "B");
                    n++;
                    inbound += spool.getKey().equals(OUTBOUND) ? 0 : 1;
                }
            }
        }
        out.printf("%d message(s) queued, %d of them inbound%n", n, inbound);
        return 0;
    }

    private Optional<SpooledMessage> readQuietly(Spool spool, String id) {
        try {
            return spool.read(id);
        } catch (IOException e) {
            spec.commandLine().getErr().printf("%s: unreadable (%s)%n", id, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The spool files of {@code id}: one SMTP transaction ("queued as ID") spools one file per
     * recipient group, named ID.0, ID.1, …; either form is accepted. Exactly those: a DSN about
     * ID.0, queued as ID.0.dsn…, is a message of its own.
     */
    static java.util.List<String> files(Spool spool, String id) throws IOException {
        Pattern part = Pattern.compile(Pattern.quote(id) + "\\.\\d+");
        return spool.ids().stream().filter(f -> f.equals(id) || part.matcher(f).matches()).toList();
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Envelope and outer headers of one message (never its body).")
    int show(@Parameters(paramLabel = "ID") String id) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int shown = 0;
        for (Map.Entry<String, Spool> spool : spools(config.load()).entrySet()) {
            for (String file : files(spool.getValue(), id)) {
                Optional<SpooledMessage> m = readQuietly(spool.getValue(), file);
                if (m.isPresent()) {
                    show(m.get(), spool.getKey().equals(OUTBOUND), out);
                    shown++;
                }
            }
        }
        return notQueuedUnless(shown, id);
    }

    /** Envelope, and for outbound mail its outer (obscured) header section. */
    private static void show(SpooledMessage s, boolean outbound, PrintWriter out) {
        out.printf(
                "id:         %s%ndirection:  %s%nfrom:       <%s>%nrecipients: %s%npolicy:     %s%n"
                        + "created:    %s%nexpires:    %s%nsize:       %d bytes%n%n",
                s.id(),
                outbound ? OUTBOUND : "inbound",
                s.envelopeFrom(),
                String.join(", ", s.recipients()),
                s.policy(),
                s.created(),
                s.expires(),
                s.content().length);
        if (!outbound) {
            // a customer's header section is not obscured: its Subject is the customer's text
            out.println("(headers of inbound mail are not shown)");
            out.println();
            return;
        }
        String text = new String(s.content(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        // headers only: without a header/body separator nothing is shown rather than a body;
        // control characters are not sent to the operator's terminal
        out.print(
                end < 0
                        ? "(no header section)\r\n"
                        : text.substring(0, end + 2)
                                .replaceAll("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]", "?"));
        out.println();
    }

    private int notQueuedUnless(int found, String id) {
        if (found == 0) {
            spec.commandLine().getErr().printf("%s: not queued%n", id);
            return 1;
        }
        return 0;
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description =
                    "Remove a message from the queue; it is not delivered and no DSN is sent.")
    int delete(@Parameters(paramLabel = "ID") String id) throws IOException {
        int deleted = 0;
        for (Spool spool : spools(config.load()).values()) {
            for (String file : files(spool, id)) {
                spool.remove(file);
                spec.commandLine().getOut().printf("%s: deleted%n", file);
                deleted++;
            }
        }
        return notQueuedUnless(deleted, id);
    }

    @Command(
            name = "flush",
            mixinStandardHelpOptions = true,
            description = "Ask the running relay to attempt every queued message now, inbound too.")
    int flush() throws IOException, InterruptedException {
        AdminClient admin = new AdminClient(config.load());
        Optional<HttpResponse<String>> r =
                admin.post(AdminServer.FLUSH, "application/json", Duration.ofSeconds(10));
        if (r.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "no relay answers on %s (mailseal.admin.listen); queued mail is "
                                    + "attempted when it starts%n",
                            admin.listen());
            return 1;
        }
        (r.get().statusCode() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr())
                .print(r.get().body());
        return r.get().statusCode() == 200 ? 0 : 1;
    }
}
