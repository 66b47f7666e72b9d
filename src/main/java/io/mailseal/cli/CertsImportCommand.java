package io.mailseal.cli;

import io.mailseal.admin.AdminServer;
import io.mailseal.app.CertificateSetup;
import io.mailseal.app.SharedStore;
import io.mailseal.certs.CertificateImport;
import io.mailseal.certs.HarvestStore;
import io.mailseal.config.ConfigException;
import io.mailseal.config.RelayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "import",
        description =
                "Put customers' certificates into the harvest store: from signed mail "
                        + "(.eml; the signature must verify and the signer must be the From: address) or certificate files (PEM or "
                        + "DER; every address in subjectAltName). Each is validated first. Then the running relay (admin.listen) is told to drop its "
                        + "cached answers for the imported addresses. Exit 0 when anything was imported, 1 when nothing.")
final class CertsImportCommand implements Callable<Integer> {
    @Mixin ConfigFile config;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        RelayConfig c = config.load();
        try (SharedStore shared = SharedStore.forCommand(c, Clock.systemUTC())) {
            HarvestStore harvest =
                    shared.harvest(c.certificates())
                            .orElseThrow(
                                    () ->
                                            new ConfigException(
                                                    List.of(
                                                            "mailseal.certificates.sources: has no "
                                                                    + "{ type = harvest } source to import into")));
            return importInto(c, harvest);
        }
    }

    private int importInto(RelayConfig c, HarvestStore harvest) throws InterruptedException {
        CertificateImport imports =
                new CertificateImport(
                        harvest,
                        CertificateSetup.recipientValidator(c.certificates(), Clock.systemUTC()));
        PrintWriter out = spec.commandLine().getOut();
        int imported = 0;
        Set<String> addresses = new LinkedHashSet<>();
        for (Path file : files) {
            try {
                for (CertificateImport.Outcome o :
                        imports.importData(Files.readAllBytes(file), file.toString())) {
                    if (o.imported()) {
                        imported++;
                        addresses.add(o.address());
                        out.printf("%s: imported from %s: %s%n", o.address(), file, o.detail());
                    } else {
                        out.printf(
                                "%s: not imported%s: %s%n",
                                file, o.address() == null ? "" : " for " + o.address(), o.detail());
                    }
                }
            } catch (NoSuchFileException e) {
                spec.commandLine().getErr().printf("%s: not imported: no such file%n", file);
            } catch (IOException e) {
                // the harvest store's own words: "shared store: ..." when the database is away
                spec.commandLine().getErr().printf("%s: not imported: %s%n", file, e.getMessage());
            }
        }
        if (imported > 0) {
            out.printf("stored in %s%n", harvest.name());
            tellRelay(new AdminClient(c), addresses);
        }
        return imported > 0 ? 0 : 1;
    }

    /**
     * Asks the running relay to drop its cached answers for the imported addresses, so the next
     * message to each finds the certificate at once. The import stands whatever the relay says.
     */
    private void tellRelay(AdminClient admin, Set<String> addresses) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int dropped = 0;
        for (String address : addresses) {
            Optional<HttpResponse<String>> r;
            try {
                r =
                        admin.post(
                                AdminServer.refreshPath(address),
                                "application/json",
                                Duration.ofSeconds(10));
            } catch (IOException e) {
                err.printf(
                        "the relay on %s did not answer (%s); it picks the certificates up when its "
                                + "cached answer expires (mailseal.certificates.cache)%n",
                        admin.listen(), e);
                return;
            }
            if (r.isEmpty()) {
                out.printf(
                        "no relay answers on %s; it picks the certificates up when its cached answer "
                                + "expires (mailseal.certificates.cache)%n",
                        admin.listen());
                return;
            }
            if (r.get().statusCode() != 200) {
                err.printf(
                        "the relay on %s refused to drop its cached answer for %s: %d %s; it picks "
                                + "the certificate up when that answer expires%n",
                        admin.listen(), address, r.get().statusCode(), r.get().body().strip());
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            out.printf(
                    "the relay on %s dropped its cached answers for %d address(es); the next message "
                            + "to each uses the imported certificate%n",
                    admin.listen(), dropped);
        }
    }
}
