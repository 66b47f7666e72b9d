package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.mailseal.app.Relay;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.RelayUnderTest;
import io.mailseal.testing.TlsTestServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code mailseal.tls-checks} in a running relay, against loopback TLS servers: the good server's
 * checks are 1 in {@code mailseal_tls_check_ok}, the wrong-name server's hostname check 0, the
 * expiry gauge follows the certificate, {@code /ready} shows the results without becoming unready,
 * and the failure is logged at ERROR.
 */
class TlsCheckWatchIT {
    @RegisterExtension static final TlsTestServers servers = new TlsTestServers();

    @RegisterExtension final RelayUnderTest relay = RelayUnderTest.withPolicies(BankMail.POLICIES);

    private static String target(String server) {
        return "{ target = \"127.0.0.1:"
                + servers.port(server)
                + "\", server-name = localhost, trust = \""
                + servers.file("root.pem")
                + "\" }";
    }

    private static List<String> lines(String text, String... parts) {
        return Arrays.stream(text.split("\n"))
                .filter(l -> Arrays.stream(parts).allMatch(l::contains))
                .toList();
    }

    @Test
    void resultsReachMetricsReadyAndTheLog() throws Exception {
        String good = "127.0.0.1:" + servers.port("good");
        String wrong = "127.0.0.1:" + servers.port("wrongname");
        try (LogCapture log = new LogCapture("io.mailseal.app.TlsCheckWatch")) {
            Relay r =
                    relay.restart(
                            "tls-checks = [ "
                                    + target("good")
                                    + ", "
                                    + target("wrongname")
                                    + " ]\ntls-checks-interval = 1h\n");
            String metrics =
                    Eventually.value(
                            "both targets checked",
                            Duration.ofSeconds(120),
                            () ->
                                    AdminPort.get(r.adminPort(), "/metrics", Duration.ofSeconds(10))
                                            .body(),
                            m -> lines(m, "mailseal_tls_check_ok{", "check=\"run\"").size() == 2);
            assertThat(lines(metrics, "mailseal_tls_check_ok{", "target=\"" + good + "\""))
                    .hasSize(6)
                    .allSatisfy(l -> assertThat(l).endsWith(" 1.0"));
            assertThat(lines(metrics, "mailseal_tls_check_ok{", wrong, "check=\"hostname\""))
                    .singleElement()
                    .satisfies(l -> assertThat(l).endsWith(" 0.0"));
            assertThat(lines(metrics, "mailseal_tls_check_ok{", wrong, "check=\"chain\""))
                    .singleElement()
                    .satisfies(l -> assertThat(l).endsWith(" 1.0"));
            String expiry = lines(metrics, "mailseal_tls_certificate_expiry_seconds{", good).get(0);
            double seconds = Double.parseDouble(expiry.substring(expiry.lastIndexOf(' ') + 1));
            assertThat(seconds).isBetween(363 * 86400.0, 365 * 86400.0);

            var ready = AdminPort.get(r.adminPort(), "/ready", Duration.ofSeconds(10));
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body())
                    .contains("\"tlsChecks\":{")
                    .contains("\"" + wrong + "\":{")
                    .contains("\"verdict\":\"fail\"", "\"verdict\":\"ok\"")
                    .contains("localhost is not named by the certificate");
            assertThat(log.events())
                    .anySatisfy(
                            e -> {
                                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                                assertThat(e.getFormattedMessage())
                                        .contains(wrong, "hostname: fail");
                            })
                    .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(good));
        }
    }
}
