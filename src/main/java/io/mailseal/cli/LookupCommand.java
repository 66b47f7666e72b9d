package io.mailseal.cli;

import io.mailseal.app.RelayAssembly;
import io.mailseal.app.SharedStore;
import io.mailseal.certs.RecipientAddress;
import io.mailseal.certs.RecipientCertificates;
import io.mailseal.certs.RecipientReport;
import io.mailseal.config.RelayConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "lookup",
        description =
                "Can ADDRESS receive encrypted mail: which certificate, from where, or why "
                        + "not (what /v1/recipients/{address} answers); exit 0 when encryptable, 1 when not, 2 when the lookup was "
                        + "unavailable, 64 when ADDRESS is not a mail address.")
final class LookupCommand implements Callable<Integer> {
    @Mixin ConfigFile config;

    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (!RecipientAddress.isWellFormed(address)) {
            spec.commandLine().getErr().printf("%s: not a mail address%n", address);
            return 64;
        }
        RecipientReport r;
        RelayConfig c = config.load();
        try (SharedStore shared = SharedStore.forCommand(c, Clock.systemUTC());
                RecipientCertificates certificates =
                        RelayAssembly.recipientCertificates(c, Clock.systemUTC(), shared)) {
            r = RecipientReport.of(address, certificates.resolve(address));
        }
        PrintWriter out = spec.commandLine().getOut();
        line(out, "address", r.address());
        line(
                out,
                "encryptable",
                r.encryptable() == null
                        ? "unknown (lookup unavailable)"
                        : r.encryptable() ? "yes" : "no");
        line(out, "source", r.source());
        line(out, "subject", r.subject());
        line(out, "issuer", r.issuer());
        line(out, "not after", r.notAfter());
        line(out, "sha-256", r.fingerprintSha256());
        line(out, "reason", r.reason());
        line(out, "caveat", r.caveat());
        return r.encryptable() == null ? 2 : r.encryptable() ? 0 : 1;
    }

    private static void line(PrintWriter out, String label, Object value) {
        if (value != null) {
            out.printf("%-13s%s%n", label + ":", value);
        }
    }
}
