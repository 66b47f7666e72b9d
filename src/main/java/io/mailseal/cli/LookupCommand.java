package io.mailseal.cli;

import io.mailseal.certs.Resolution;
import io.mailseal.config.ConfigLoader;
import io.mailseal.crypto.AlgorithmChoice;
import io.mailseal.smtp.RelayComponents;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lookup", description = "Which certificate mail to ADDRESS would be encrypted to, from where, "
        + "or why none; exit 0 when usable, 1 when not, 2 when the lookup was unavailable.")
final class LookupCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "relay.conf")
    Path config;

    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Resolution r = RelayComponents.open(ConfigLoader.load(config), Clock.systemUTC()).certificates().resolve(address);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("address:     %s%n", address);
        if (r instanceof Resolution.Usable u) {
            X509Certificate c = u.certificate();
            out.printf("encryptable: yes%nsource:      %s%nsubject:     %s%nissuer:      %s%nserial:      %s%n"
                    + "valid until: %s%nkey:         %s%n", u.source(), c.getSubjectX500Principal().getName(),
                    c.getIssuerX500Principal().getName(), c.getSerialNumber().toString(16),
                    c.getNotAfter().toInstant(), c.getPublicKey().getAlgorithm());
            AlgorithmChoice.caveat(c).ifPresent(caveat -> out.printf("caveat:      %s%n", caveat));
            return 0;
        }
        if (r instanceof Resolution.Missing m) {
            out.printf("encryptable: no%nreason:      %s%n", m.reason());
            return 1;
        }
        out.printf("encryptable: unknown (lookup unavailable)%nreason:      %s%n", ((Resolution.Unavailable) r).reason());
        return 2;
    }
}
