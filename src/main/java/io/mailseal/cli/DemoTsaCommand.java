package io.mailseal.cli;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.EmbeddedTsa;
import io.mailseal.demo.PkiFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

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

    @Option(
            names = "--delay",
            defaultValue = "0ms",
            converter = Delay.class,
            description =
                    "answer each request this long after it arrived, as a remote TSA would "
                            + "(e.g. 100ms, 1s; requests wait side by side); default ${DEFAULT-VALUE}")
    Duration delay;

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
                        port,
                        delay);
        spec.commandLine()
                .getOut()
                .printf("TSA %s, trust %s, delay %d ms%n", server.url(), caOut, delay.toMillis());
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

    /** A delay as a whole number of milliseconds or seconds: {@code 100ms}, {@code 2s}. */
    static final class Delay implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s)");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException(
                        "'" + value + "' is not a delay like 100ms or 2s");
            }
            long n = Long.parseLong(m.group(1));
            return "ms".equals(m.group(2)) ? Duration.ofMillis(n) : Duration.ofSeconds(n);
        }
    }
}
