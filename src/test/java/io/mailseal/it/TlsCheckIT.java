package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.cli.Main;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.TlsTestServers;
import io.mailseal.tlscheck.Finding;
import io.mailseal.tlscheck.TlsCheckException;
import io.mailseal.tlscheck.TlsCheckRequest;
import io.mailseal.tlscheck.TlsChecker;
import io.mailseal.tlscheck.TlsReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * tls-check against real TLS servers on loopback ({@code openssl s_server} per certificate case, an
 * {@code openssl ocsp} responder, a TLS 1.0 / weak-suite server, an SMTP STARTTLS server): each
 * server yields exactly the expected severity for every check. What Debian 12's OpenSSL cannot
 * offer (SSLv3, 3DES, RC4, EXPORT) is not served; the weak suites it can offer (NULL, anonymous,
 * static RSA, CBC under TLS 1.0) are.
 */
class TlsCheckIT {
    @RegisterExtension static final TlsTestServers servers = new TlsTestServers();

    static TlsCheckRequest request(String server) {
        return TlsCheckRequest.of("localhost:" + servers.port(server), server.equals("starttls"))
                .withIp("127.0.0.1")
                .withTrust(TrustAnchors.load("--trust", servers.file("root.pem")));
    }

    static TlsReport check(TlsCheckRequest r) throws TlsCheckException {
        Clock clock = Clock.systemUTC();
        return new TlsChecker(
                        new RevocationChecker(Revocation.SOFT_FAIL, Duration.ofSeconds(10), clock),
                        clock)
                .check(r);
    }

    static Map<String, String> severities(TlsReport report) {
        Map<String, String> m = new LinkedHashMap<>();
        report.findings().forEach(f -> m.put(f.check(), f.severity().label()));
        return m;
    }

    static String evidence(TlsReport report, String check) {
        return report.findings().stream()
                .filter(f -> f.check().equals(check))
                .map(Finding::evidence)
                .findFirst()
                .orElseThrow()
                .toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // server,   hostname, chain, revocation, expiry, protocols, what the failure says
        "good,       ok,   ok,   ok,   ok,   ok,   ",
        "wrongname,  fail, ok,   ok,   ok,   ok,   localhost is not named by the certificate",
        "expired,    ok,   ok,   ok,   fail, ok,   the server certificate expired on 2021-01-01",
        "notyet,     ok,   ok,   ok,   fail, ok,   the server certificate is not valid before 2037",
        "missing,    ok,   fail, warn, ok,   ok,   is neither served nor trusted (missing intermediate?)",
        "selfsigned, ok,   fail, warn, ok,   ok,   self-signed and not a trust anchor",
        "revoked,    ok,   ok,   fail, ok,   ok,   the server certificate is revoked on",
        "soon,       ok,   ok,   ok,   warn, ok,   the server certificate expires on",
        "legacy,     ok,   ok,   ok,   ok,   fail, TLSv1.0 accepted",
        "tls13only,  ok,   ok,   ok,   ok,   ok,   ",
        "starttls,   ok,   ok,   ok,   ok,   ok,   ",
    })
    void eachServerGetsExactlyItsFindings(
            String server,
            String hostname,
            String chain,
            String revocation,
            String expiry,
            String protocols,
            String why)
            throws Exception {
        TlsReport report = check(request(server));
        assertThat(severities(report))
                .as(report.findings().toString())
                .containsExactly(
                        Map.entry("hostname", hostname),
                        Map.entry("chain", chain),
                        Map.entry("revocation", revocation),
                        Map.entry("expiry", expiry),
                        Map.entry("protocols", protocols));
        if (why != null) {
            assertThat(report.findings()).anySatisfy(f -> assertThat(f.summary()).contains(why));
        }
        assertThat(report.exitCode()).isEqualTo(severities(report).containsValue("fail") ? 1 : 0);
    }

    @Test
    void weakSuitesTheJdkWillNotOfferAreFoundByTheProbes() throws Exception {
        String seen = evidence(check(request("legacy")), "protocols");
        assertThat(seen)
                .contains("fail: TLSv1.0 accepted")
                .contains("fail: TLSv1.1 accepted")
                .contains("fail: TLSv1.2 TLS_RSA_WITH_NULL_SHA: NULL encryption")
                .contains("fail: TLSv1.2 TLS_ECDH_anon_WITH_AES_128_CBC_SHA: anonymous")
                .contains("fail: TLSv1.0 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: CBC with TLSv1.0")
                .contains("warn: TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA: no forward secrecy")
                .contains("warn: TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: CBC, not AEAD")
                .contains("TLSv1.3: not accepted")
                .doesNotContain("3DES", "RC4", "EXPORT");
        String good = evidence(check(request("good")), "protocols");
        assertThat(good)
                .contains("SSLv3: not accepted", "TLSv1.0: not accepted", "TLSv1.1: not accepted")
                .contains("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
                .contains("TLSv1.3 TLS_CHACHA20_POLY1305_SHA256")
                .doesNotContain("CBC", "warn:", "fail:");
    }

    @Test
    void staplingIsReportedAsServed() throws Exception {
        assertThat(evidence(check(request("good")), "revocation"))
                .contains("OCSP stapling: offered", "good: OCSP http://127.0.0.1:");
        assertThat(evidence(check(request("wrongname")), "revocation"))
                .contains("OCSP stapling: not offered");
        assertThat(evidence(check(request("tls13only")), "revocation"))
                .contains("OCSP stapling: not known");
    }

    @Test
    void pinsMatchOrFail() throws Exception {
        String pin = "sha256/" + Files.readString(servers.file("good.pin")).strip();
        String other = "sha256/" + "A".repeat(43) + "=";
        TlsReport match =
                check(request("good").withPins(List.of(other, pin), List.of("127.0.0.1", "::1")));
        assertThat(severities(match)).containsEntry("pins", "ok");
        assertThat(evidence(match, "pins")).contains(pin);
        TlsReport wrongKey = check(request("good").withPins(List.of(other), List.of()));
        assertThat(severities(wrongKey)).containsEntry("pins", "fail");
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        TlsReport wrongAddress = check(request("good").withPins(List.of(), List.of("127.0.0.2")));
        assertThat(severities(wrongAddress)).containsEntry("pins", "fail");
        assertThat(evidence(wrongAddress, "pins")).contains("localhost resolves to 127.0.0.1");
    }

    @Test
    void theCommandPrintsJsonAndExitsZeroOneOrTwo() throws Exception {
        String root = servers.file("root.pem").toString();
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        int good =
                cli.execute(
                        "tls-check",
                        "localhost:" + servers.port("good"),
                        "--ip",
                        "127.0.0.1",
                        "--trust",
                        root,
                        "--json");
        assertThat(good).isEqualTo(0);
        assertThat(out.toString())
                .startsWith("{\"target\":\"localhost:" + servers.port("good") + "\"")
                .contains("\"verdict\":\"ok\"", "\"check\":\"protocols\",\"severity\":\"ok\"");
        int wrong =
                cli.execute(
                        "tls-check",
                        "localhost:" + servers.port("wrongname"),
                        "--ip",
                        "127.0.0.1",
                        "--trust",
                        root);
        assertThat(wrong).isEqualTo(1);
        int starttls =
                cli.execute(
                        "tls-check",
                        "localhost:" + servers.port("starttls"),
                        "--starttls",
                        "smtp",
                        "--ip",
                        "127.0.0.1",
                        "--trust",
                        root);
        assertThat(starttls).isEqualTo(0);
        out.getBuffer().setLength(0);
        int none =
                cli.execute(
                        "tls-check",
                        "localhost:" + LoopbackPorts.free(),
                        "--ip",
                        "127.0.0.1",
                        "--json");
        assertThat(none).isEqualTo(2);
        assertThat(out.toString()).contains("\"verdict\":\"error\"", "\"error\":");
    }
}
