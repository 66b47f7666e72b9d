package io.mailseal.cli;

import io.mailseal.app.SharedStore;
import io.mailseal.config.RelayConfig;
import io.mailseal.store.Database;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shared store of {@code mailseal.store.type = postgresql}: its schema brought up to this
 * mailseal's ({@code migrate}, Flyway; safe to run again, and from several nodes at once: Flyway
 * locks its history table) and its state as this node sees it ({@code status}).
 */
@Command(name = "store", description = "The shared store (mailseal.store.type = postgresql).")
final class StoreCommand {
    @Mixin ConfigFile config;

    @Spec CommandSpec spec;

    @Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            description =
                    "Apply the schema migrations this mailseal brings; prints the schema version"
                            + " before and after. Exit 0 when the schema is up to date after it.")
    int migrate() {
        PrintWriter out = spec.commandLine().getOut();
        try (SharedStore shared = SharedStore.forCommand(config.load(), Clock.systemUTC())) {
            if (shared.database().isEmpty()) {
                return embedded();
            }
            Database db = shared.database().get();
            try {
                Database.Schema before = db.schema();
                out.printf(
                        "%s as node %s: schema version %s before%n",
                        db.url(), db.node(), before.current().orElse("none"));
                int applied = db.migrate();
                Database.Schema after = db.schema();
                out.printf(
                        "applied %d migration(s): schema version %s after%n",
                        applied, after.current().orElse("none"));
                return after.upToDate() ? 0 : 1;
            } catch (SQLException e) {
                spec.commandLine()
                        .getErr()
                        .printf("%s: not migrated: %s%n", db.url(), firstLine(e.getMessage()));
                return 1;
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "Whether the shared store answers, its schema version, and the harvests this"
                            + " node keeps on its disk for it. Exit 0 when it answers with an"
                            + " up-to-date schema.")
    int status() {
        RelayConfig c = config.load();
        try (SharedStore shared = SharedStore.forCommand(c, Clock.systemUTC())) {
            Optional<SharedStore.State> state = shared.state();
            if (state.isEmpty()) {
                return embedded();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(state.get().line());
            out.printf("harvests kept on this node's disk for it: %d%n", shared.pendingHarvests(c));
            return state.get().upToDate() ? 0 : 1;
        }
    }

    private int embedded() {
        spec.commandLine()
                .getErr()
                .println(
                        "mailseal.store.type is embedded: there is no shared store (nothing to do)");
        return 1;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
