package io.mailseal.it;

import static io.mailseal.it.CommandLineIT.mailseal;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.DemoWorld;
import io.mailseal.it.CommandLineIT.Run;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.ServerTls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-config --probe}: each TSA alone and the next hop, one line each (issue 18). */
class ProbeIT {
    @TempDir Path dir;
    DemoWorld world;

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void everyProbeOkAgainstTheDemoTsaAndSink() throws Exception {
        Path conf = world.writeConfig(BankMail.POLICIES);
        Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .containsPattern(
                        "probe timestamp "
                                + java.util.regex.Pattern.quote(world.tsa().url().toString())
                                + ": ok \\(genTime \\S+Z, TSA .*CN=mailseal demo TSA.*, \\d+ ms\\)")
                .containsPattern(
                        "probe next hop 127.0.0.1:"
                                + world.sink().port()
                                + ": ok \\(220 .*, EHLO (offers|does not offer) STARTTLS,"
                                + " no TLS \\(delivery.tls none\\)\\)")
                .doesNotContain("demo-only-password");
    }

    @Test
    void aDeadTsaFailsItsOwnLineAndTheExitCode() throws Exception {
        String dead = "http://127.0.0.1:" + LoopbackPorts.free() + "/tsa";
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        "timestamp.urls = [\"%s\", \"%s\"]".formatted(dead, world.tsa().url()));
        long start = System.nanoTime();
        Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("probe timestamp " + dead + ": FAILED cannot connect")
                .contains("probe timestamp " + world.tsa().url() + ": ok (genTime ")
                .containsPattern("probe next hop 127.0.0.1:\\d+: ok \\(220 ");
    }

    @Test
    void aNextHopThatIsDownFails() throws Exception {
        int free = LoopbackPorts.free();
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        "delivery.smarthost = \"127.0.0.1:%d\", delivery.timeout = 2s"
                                .formatted(free));
        Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("probe timestamp " + world.tsa().url() + ": ok (")
                .containsPattern("probe next hop 127.0.0.1:" + free + ": FAILED .*refused");
    }

    @Test
    void aNextHopThatNeverGreetsFailsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            "delivery.smarthost = \"127.0.0.1:%d\", delivery.timeout = 1s"
                                    .formatted(silent.getLocalPort()));
            long start = System.nanoTime();
            Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(6));
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out())
                    .containsPattern(
                            "probe next hop 127.0.0.1:" + silent.getLocalPort() + ": FAILED .+");
        }
    }

    @Test
    void mxModeSkipsTheNextHopAndAPasswordInATsaUrlIsNotShown() throws Exception {
        String dead = "http://probe:s3cret@127.0.0.1:" + LoopbackPorts.free() + "/tsa";
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        "delivery.mode = mx\ntimestamp.urls = [\"%s\"]".formatted(dead));
        Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("probe timestamp http://***@127.0.0.1:")
                .contains("probe next hop: skipped (delivery.mode mx")
                .doesNotContain("s3cret");
    }

    @Test
    void verifyLevelStartsTlsAndChecksTheCertificate() throws Exception {
        try (CaptureSink tlsSink =
                new CaptureSink(
                        Optional.empty(),
                        Optional.of(
                                ServerTls.context(
                                        world.pki()
                                                .server(
                                                        Instant.now().plus(Duration.ofDays(90)),
                                                        "127.0.0.1"),
                                        world.pki().ca().certificate())))) {
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            ("delivery { smarthost = \"127.0.0.1:%d\", tls = verify,"
                                            + " tls-trust-anchors = \"certs/trust\" }")
                                    .formatted(tlsSink.port()));
            Run r = mailseal("check-config", "-c", conf.toString(), "--probe");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out())
                    .containsPattern(
                            "probe next hop 127.0.0.1:"
                                    + tlsSink.port()
                                    + ": ok \\(220 .*, EHLO offers STARTTLS, TLS TLSv1\\.[23] \\S+,"
                                    + " certificate verified\\)");

            // the demo sink offers no STARTTLS: verify cannot be met
            conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            "delivery { tls = verify, tls-trust-anchors = \"certs/trust\" }");
            r = mailseal("check-config", "-c", conf.toString(), "--probe");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out())
                    .containsPattern(
                            "probe next hop 127.0.0.1:"
                                    + world.sink().port()
                                    + ": FAILED .*STARTTLS");
        }
    }
}
