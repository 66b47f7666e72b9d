package io.mailseal.cli;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import io.mailseal.demo.PkiFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "tsa",
        description =
                "Run the demo's RFC 3161 TSA on loopback in its own process (for benchmarks), "
                        + "with a throwaway CA written to --ca-out; runs until stopped.")
final class DemoTsaCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, description = "loopback port")
    int port;

    @Option(
            names = "--ca-out",
            required = true,
            description = "where to write the CA certificate (PEM) to trust")
    Path caOut;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoPki pki = new DemoPki(Clock.systemUTC(), "mailseal demo TSA CA");
        DemoPki.Issued tsa = pki.timestampAuthority("mailseal demo TSA");
        PkiFiles.writeCertificate(caOut.toAbsolutePath(), pki.ca().certificate());
        EmbeddedTsa server =
                new EmbeddedTsa(
                        tsa.key(),
                        tsa.certificate(),
                        List.of(pki.ca().certificate()),
                        Clock.systemUTC(),
                        port);
        spec.commandLine().getOut().printf("TSA %s, trust %s%n", server.url(), caOut);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    stopped.countDown();
                                }));
        stopped.await();
        return 0;
    }
}
