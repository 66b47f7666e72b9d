package io.mailseal.cli;

import io.mailseal.app.CertificateSetup;
import io.mailseal.certs.CertificateImport;
import io.mailseal.certs.HarvestCertificateSource;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.config.RelayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "import",
        description =
                "Put customers' certificates into the harvest store: from signed mail "
                        + "(.eml; the signature must verify and the signer must be the From: address) or certificate files (PEM or "
                        + "DER; every address in subjectAltName). Each is validated first. Exit 0 when anything was imported, 1 when nothing.")
final class CertsImportCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "relay.conf")
    Path config;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        RelayConfig c = ConfigLoader.load(config);
        CertificatesConfig.HarvestSource harvest =
                c.certificates().sources().stream()
                        .filter(CertificatesConfig.HarvestSource.class::isInstance)
                        .map(CertificatesConfig.HarvestSource.class::cast)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                List.of(
                                                        "mailseal.certificates.sources: has no "
                                                                + "{ type = harvest } source to import into")));
        CertificateImport imports =
                new CertificateImport(
                        new HarvestCertificateSource(harvest.path()),
                        CertificateSetup.recipientValidator(c.certificates(), Clock.systemUTC()));
        PrintWriter out = spec.commandLine().getOut();
        int imported = 0;
        for (Path file : files) {
            try {
                for (CertificateImport.Outcome o :
                        imports.importData(Files.readAllBytes(file), file.toString())) {
                    if (o.imported()) {
                        imported++;
                        out.printf("%s: imported from %s: %s%n", o.address(), file, o.detail());
                    } else {
                        out.printf(
                                "%s: not imported%s: %s%n",
                                file, o.address() == null ? "" : " for " + o.address(), o.detail());
                    }
                }
            } catch (IOException e) {
                spec.commandLine().getErr().printf("%s: not imported: %s%n", file, e);
            }
        }
        if (imported > 0) {
            out.printf(
                    "stored in %s; a running relay uses it once its cached answer for the address expires "
                            + "(mailseal.certificates.cache)%n",
                    harvest.path());
        }
        return imported > 0 ? 0 : 1;
    }
}
