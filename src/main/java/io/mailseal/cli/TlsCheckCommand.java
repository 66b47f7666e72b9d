package io.mailseal.cli;

import io.mailseal.admin.Json;
import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.config.ConfigException;
import io.mailseal.tlscheck.Finding;
import io.mailseal.tlscheck.TlsCheckException;
import io.mailseal.tlscheck.TlsCheckRequest;
import io.mailseal.tlscheck.TlsChecker;
import io.mailseal.tlscheck.TlsReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "tls-check",
        description =
                "Audit a server's TLS as a careful client would: hostname, chain, revocation, "
                        + "expiry, protocols and cipher suites, pins; exit 0 when nothing fails, 1 when "
                        + "something fails, 2 when the check could not run.")
final class TlsCheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST[:PORT]")
    String target;

    @Option(
            names = "--starttls",
            paramLabel = "smtp",
            description = "SMTP STARTTLS (port 25 by default)")
    String starttls;

    @Option(names = "--servername", description = "the name the certificate must carry (SNI)")
    String serverName;

    @Option(names = "--ip", description = "connect to this address instead of resolving HOST")
    String ip;

    @Option(
            names = "--trust",
            paramLabel = "CA.pem",
            description = "trust anchors instead of the JDK's")
    Path trust;

    @Option(names = "--pin", paramLabel = "sha256/BASE64", description = "SPKI pin; repeatable")
    List<String> pins = new ArrayList<>();

    @Option(
            names = "--expect-ip",
            paramLabel = "ADDR",
            description = "HOST may resolve only to these; repeatable")
    List<String> expectIps = new ArrayList<>();

    @Option(names = "--warn-days", description = "warn when a certificate ends sooner (default 30)")
    int warnDays = TlsCheckRequest.DEFAULT_WARN_DAYS;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        TlsCheckRequest r;
        try {
            if (starttls != null && !starttls.equals("smtp")) {
                throw new IllegalArgumentException(
                        "--starttls: only \"smtp\", not \"" + starttls + "\"");
            }
            r =
                    TlsCheckRequest.of(target, starttls != null)
                            .withPins(pins, expectIps)
                            .withWarnDays(warnDays);
            r = serverName == null ? r : r.withServerName(serverName);
            r = ip == null ? r : r.withIp(ip);
            r = trust == null ? r : r.withTrust(TrustAnchors.load("--trust", trust));
        } catch (IllegalArgumentException | ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        RevocationChecker revocation =
                new RevocationChecker(Revocation.SOFT_FAIL, r.timeout(), clock);
        try {
            TlsReport report = new TlsChecker(revocation, clock).check(r);
            out.println(json ? Json.object(report.toMap()) : text(report));
            return report.exitCode();
        } catch (TlsCheckException e) {
            if (json) {
                out.println(
                        Json.object(TlsReport.error(r.target(), clock.instant(), e.getMessage())));
            } else {
                spec.commandLine().getErr().println("tls-check could not run: " + e.getMessage());
            }
            return 2;
        }
    }

    private static String text(TlsReport report) {
        StringBuilder b = new StringBuilder();
        b.append(report.target())
                .append(" (")
                .append(report.address())
                .append("), name ")
                .append(report.serverName())
                .append(": ")
                .append(report.verdict().label())
                .append('\n');
        for (Finding f : report.findings()) {
            b.append(
                    String.format("%-5s %-11s %s%n", f.severity().label(), f.check(), f.summary()));
            for (String e : f.evidence()) {
                b.append("                  ").append(e).append('\n');
            }
        }
        return b.toString().stripTrailing();
    }
}
