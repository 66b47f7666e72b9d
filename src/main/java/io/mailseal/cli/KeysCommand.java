package io.mailseal.cli;

import io.mailseal.app.KeyListing;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "keys",
        description = "The bank's signing keys.",
        subcommands = {KeysCommand.ListKeys.class})
final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "give a subcommand: list");
    }

    @Command(
            name = "list",
            description =
                    "Each identity's keys: where the key lives (file, or pkcs11:token/label),"
                            + " certificate subject and validity, which key signs now (*), and"
                            + " whether a test signature with it verifies. Exit 1 when one does"
                            + " not.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin ConfigFile config;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<KeyListing.Line> lines = KeyListing.list(config.load(), Clock.systemUTC());
            for (KeyListing.Line l : lines) {
                out.printf(
                        "%s %s %s%n    %s%n    %s%n",
                        l.active() ? "*" : " ",
                        l.identity(),
                        l.location(),
                        l.certificate()
                                .map(
                                        c ->
                                                c.getSubjectX500Principal().getName()
                                                        + ", valid "
                                                        + c.getNotBefore().toInstant()
                                                        + " to "
                                                        + c.getNotAfter().toInstant())
                                .orElse("no certificate read"),
                        l.problem()
                                .map(p -> "test signature: FAILED: " + p)
                                .orElse("test signature: ok"));
            }
            return lines.stream().anyMatch(l -> l.problem().isPresent()) ? 1 : 0;
        }
    }
}
