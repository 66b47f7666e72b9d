package io.mailseal.cli;

import io.mailseal.admin.BuildInfo;
import io.mailseal.config.ConfigException;
import io.mailseal.crypto.CryptoProviders;
import java.lang.reflect.Method;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mailseal}: the relay and its tools (DESIGN.md "Command line"). */
@Command(
        name = "mailseal",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "SMTP relay that signs, timestamps and encrypts mail by policy (S/MIME, RFC 3161).",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            CheckConfigCommand.class,
            ExplainCommand.class,
            LookupCommand.class,
            CertsCommand.class,
            KeysCommand.class,
            VerifyCommand.class,
            QueueCommand.class,
            EvidenceCommand.class,
            SmtpPasswdCommand.class,
            ReloadCommand.class,
            TlsCheckCommand.class,
            StoreCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with mailseal's handlers, for main() and for tests. */
    public static CommandLine commandLine() {
        CryptoProviders.install();
        CommandLine cl = new CommandLine(new Main());
        withHelp(cl);
        cl.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    if (e instanceof ConfigException ce) {
                        ce.problems().forEach(p -> cmd.getErr().println("config error: " + p));
                        return 1;
                    }
                    throw e;
                });
        return cl;
    }

    /** --help (and --version) on every subcommand too, e.g. {@code mailseal demo --help}. */
    private static void withHelp(CommandLine cl) {
        cl.getSubcommands()
                .values()
                .forEach(
                        sub -> {
                            // a method subcommand (queue list, ...) declares it in its annotation:
                            // added here, the options would shift its parameters
                            if (!(sub.getCommandSpec().userObject() instanceof Method)) {
                                sub.getCommandSpec().mixinStandardHelpOptions(true);
                            }
                            withHelp(sub);
                        });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mailseal " + BuildInfo.current()};
        }
    }
}
