package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.MtaStsConfig;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.PolicyServer;
import io.mailseal.testing.ServerTls;
import io.mailseal.testing.SignedDns;
import io.mailseal.testing.SignedDns.Zone;
import io.mailseal.testing.TestResolvers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS (RFC 8461) in MX mode at {@code tls = dane}: BIND 9 serves the domains' MX, {@code
 * _mta-sts} TXT and policy host address on loopback; the policies come over HTTPS from a server
 * with a test CA's certificate, found through the relay's own resolver. Enforce delivers to a
 * listed MX only over TLS verified for its name; testing delivers and reports; DANE takes
 * precedence.
 */
class MtaStsDeliveryIT {
    @TempDir static Path dir;
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Test CA");
    static final Instant UNTIL = Instant.now().plus(Duration.ofDays(30));
    static final DemoPki.Issued MX =
            PKI.server(
                    UNTIL,
                    "mx.enforce.test",
                    "mx.unlisted.test",
                    "mx.testing.test",
                    "mx.dane.test");
    static final String[] DOMAINS = {"enforce", "unlisted", "badcert", "testing", "dane"};
    static CaptureSink sink;
    static PolicyServer https;
    static SignedDns named;
    @TempDir Path spool;
    DeliveryRig rig;

    static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    /** MX, policy host and STS TXT record of a domain, all on 127.0.0.1. */
    static String[] records(String... more) {
        List<String> r =
                new java.util.ArrayList<>(
                        List.of(
                                "@ MX 10 mx",
                                "mx A 127.0.0.1",
                                "mta-sts A 127.0.0.1",
                                "_mta-sts TXT \"v=STSv1; id=20261203\""));
        r.addAll(List.of(more));
        return r.toArray(String[]::new);
    }

    @BeforeAll
    static void start() throws Exception {
        sink =
                new CaptureSink(
                        Optional.empty(),
                        Optional.of(ServerTls.context(MX, PKI.ca().certificate())));
        String[] hosts = new String[DOMAINS.length];
        for (int i = 0; i < DOMAINS.length; i++) {
            hosts[i] = "mta-sts." + DOMAINS[i] + ".test";
        }
        https =
                new PolicyServer(
                        ServerTls.context(PKI.server(UNTIL, hosts), PKI.ca().certificate()));
        https.policy("mta-sts.enforce.test", policy("enforce", "*.enforce.test"))
                .policy("mta-sts.unlisted.test", policy("enforce", "mx.elsewhere.test"))
                .policy("mta-sts.badcert.test", policy("enforce", "mx.badcert.test"))
                .policy("mta-sts.testing.test", policy("testing", "mx.elsewhere.test"))
                .policy("mta-sts.dane.test", policy("enforce", "mx.elsewhere.test"));
        String spki =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256")
                                        .digest(MX.certificate().getPublicKey().getEncoded()));
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.unsigned("enforce.test", records()),
                        Zone.unsigned("unlisted.test", records()),
                        Zone.unsigned("badcert.test", records()),
                        Zone.signed("testing.test", records()),
                        Zone.signed(
                                "dane.test",
                                records("_" + sink.port() + "._tcp.mx TLSA 3 1 1 " + spki)));
    }

    @AfterAll
    static void stop() throws Exception {
        DeliveryRig.closeAll(named, https, sink);
    }

    @BeforeEach
    void rig() throws Exception {
        rig =
                new DeliveryRig(
                        spool,
                        DeliveryRig.mx(
                                sink.port(),
                                TlsLevel.DANE,
                                new MtaStsConfig(
                                        true,
                                        Optional.empty(),
                                        https.port(),
                                        Duration.ofSeconds(5))),
                        TestResolvers.over(named.port(), named.trustAnchors()),
                        Optional.of(Set.of(new TrustAnchor(PKI.ca().certificate(), null))));
    }

    @AfterEach
    void close() {
        rig.close();
    }

    private List<CapturedMessage> to(String recipient) {
        return DeliveryRig.to(sink, recipient);
    }

    @Test
    void enforceDeliversToAListedMxOverTlsVerifiedForItsName() throws Exception {
        rig.deliveredWith(sink, "S1.0", "alice@enforce.test", "sts-verified");
        assertThat(https.requests("mta-sts.enforce.test")).isEqualTo(1);
    }

    @Test
    void enforceNeverUsesAnMxThePolicyDoesNotList() throws Exception {
        rig.deferredWithoutConnecting(
                sink,
                "S2.0",
                "alice@unlisted.test",
                "4.7.5 MX host mx.unlisted.test is not listed in its domain's MTA-STS policy");
    }

    @Test
    void enforceDefersRatherThanSendWithoutACertificateForTheMxName() throws Exception {
        rig.queue("S3.0", Duration.ofDays(1), "alice@badcert.test");
        rig.awaitOutcome("deferred");
        assertThat(to("alice@badcert.test")).isEmpty();
        assertThat(rig.tlsResults).isEmpty();
    }

    @Test
    void testingDeliversAtTheMailsOwnLevelAndReportsTheUnlistedMx() throws Exception {
        rig.queue("S4.0", Duration.ofDays(1), "alice@testing.test");
        rig.awaitOutcome("delivered");
        assertThat(rig.tlsResults).containsExactly("encrypted-unverified");
        assertThat(rig.logLines())
                .anyMatch(l -> l.contains("MTA-STS testing: MX host mx.testing.test"));
    }

    @Test
    void daneTakesPrecedenceOverAPolicyThatDoesNotListTheMx() throws Exception {
        rig.queue("S5.0", Duration.ofDays(1), "alice@dane.test");
        rig.awaitOutcome("delivered");
        assertThat(rig.tlsResults).containsExactly("dane-verified");
    }
}
