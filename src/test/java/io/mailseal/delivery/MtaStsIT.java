package io.mailseal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.MtaStsConfig;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.LoopbackDns;
import io.mailseal.testing.MutableClock;
import io.mailseal.testing.PolicyServer;
import io.mailseal.testing.ServerTls;
import io.mailseal.testing.TestResolvers;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching and caching MTA-STS policies (RFC 8461 §3, §5.1) over real sockets: the TXT record from
 * a DNS server on loopback, the policy host resolved through the same resolver and fetched over
 * HTTPS from a server whose certificate a test CA issued.
 */
class MtaStsIT {
    static final Instant START = Instant.parse("2026-11-25T08:00:00Z");
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Policy CA");
    static final String POLICY =
            "version: STSv1\r\nmode: enforce\r\nmx: mx.a.test\r\nmax_age: 86400\r\n";

    @TempDir static Path dir;
    static LoopbackDns dns;
    static PolicyServer https;
    MutableClock clock;
    MtaSts sts;

    @BeforeAll
    static void start() throws Exception {
        DemoPki.Issued cert =
                PKI.server(
                        Instant.now().plus(Duration.ofDays(30)),
                        "mta-sts.a.test",
                        "mta-sts.b.test",
                        "mta-sts.c.test",
                        "mta-sts.d.test",
                        "mta-sts.e.test",
                        "mta-sts.f.test",
                        "mta-sts.g.test");
        https = new PolicyServer(ServerTls.context(cert, PKI.ca().certificate()));
        dns = new LoopbackDns();
        for (String d : List.of("a", "b", "c", "d", "e", "f", "g", "wrongname")) {
            dns.record("mta-sts." + d + ".test.", "A", "127.0.0.1");
        }
    }

    @AfterAll
    static void stop() {
        https.close();
        dns.close();
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(START);
        sts =
                new MtaSts(
                        TestResolvers.unsigned(dns.port(), dir, clock),
                        new MtaStsConfig(
                                true, Optional.empty(), https.port(), Duration.ofSeconds(5)),
                        Optional.of(Set.of(new TrustAnchor(PKI.ca().certificate(), null))),
                        clock);
    }

    @Test
    void anEnforcePolicyIsFetchedOnceAndKeptWhileTheIdStaysTheSame() throws Exception {
        dns.replace("_mta-sts.a.test.", "TXT", "\"v=STSv1; id=20261125\"");
        https.policy("mta-sts.a.test", POLICY);
        StsPolicy p = sts.policy("a.test").orElseThrow();
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(p.lists("MX.a.test.")).isTrue();
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(1));
        clock.advance(Duration.ofHours(2)); // past the TXT's TTL: asked again, same id
        assertThat(sts.policy("a.test")).contains(p);
        assertThat(https.requests("mta-sts.a.test")).isEqualTo(1);
    }

    @Test
    void aNewIdFetchesTheNewPolicy() throws Exception {
        dns.replace("_mta-sts.b.test.", "TXT", "\"v=STSv1; id=1\"");
        https.policy("mta-sts.b.test", POLICY.replace("mx.a.test", "mx.b.test"));
        assertThat(sts.policy("b.test").orElseThrow().lists("mx.b.test")).isTrue();
        dns.replace("_mta-sts.b.test.", "TXT", "\"v=STSv1; id=2\"");
        https.policy("mta-sts.b.test", POLICY.replace("mx.a.test", "mx2.b.test"));
        clock.advance(Duration.ofMinutes(2)); // the TXT's TTL is 60 s
        StsPolicy now = sts.policy("b.test").orElseThrow();
        assertThat(now.lists("mx2.b.test")).isTrue();
        assertThat(now.lists("mx.b.test")).isFalse();
        assertThat(https.requests("mta-sts.b.test")).isEqualTo(2);
    }

    @Test
    void aFailedFetchKeepsTheCachedPolicyUntilItExpires() throws Exception {
        dns.replace("_mta-sts.c.test.", "TXT", "\"v=STSv1; id=1\"");
        https.policy("mta-sts.c.test", POLICY.replace("86400", "3600"));
        StsPolicy cached = sts.policy("c.test").orElseThrow();
        dns.replace("_mta-sts.c.test.", "TXT", "\"v=STSv1; id=2\"");
        https.answer("mta-sts.c.test", new PolicyServer.Answer(503, "text/plain", "down"));
        clock.advance(Duration.ofMinutes(2));
        try (LogCapture log = new LogCapture(MtaSts.class.getName())) {
            assertThat(sts.policy("c.test")).contains(cached);
            assertThat(log.events())
                    .anyMatch(
                            e ->
                                    e.getFormattedMessage().contains("answered HTTP 503")
                                            && e.getFormattedMessage()
                                                    .contains("the cached policy stays in force"));
        }
        clock.advance(Duration.ofHours(1)); // max_age 3600 s is over
        assertThat(sts.policy("c.test")).isEmpty();
    }

    @Test
    void aMissingTxtRecordKeepsTheCachedPolicy() throws Exception {
        dns.replace("_mta-sts.d.test.", "TXT", "\"v=STSv1; id=1\"");
        https.policy("mta-sts.d.test", POLICY);
        StsPolicy cached = sts.policy("d.test").orElseThrow();
        dns.replace("_mta-sts.d.test.", "TXT", "\"v=spf1 -all\"");
        clock.advance(Duration.ofMinutes(2));
        assertThat(sts.policy("d.test")).contains(cached);
    }

    @Test
    void aPolicyThatIsNotOneIsNotUsed() throws Exception {
        dns.replace("_mta-sts.e.test.", "TXT", "\"v=STSv1; id=1\"");
        https.answer("mta-sts.e.test", new PolicyServer.Answer(200, "text/html", POLICY));
        assertThat(sts.policy("e.test")).isEmpty();
        dns.replace("_mta-sts.e.test.", "TXT", "\"v=STSv1; id=2\"");
        https.answer("mta-sts.e.test", new PolicyServer.Answer(301, "text/plain", ""));
        clock.advance(Duration.ofMinutes(2));
        assertThat(sts.policy("e.test")).isEmpty();
        dns.replace("_mta-sts.e.test.", "TXT", "\"v=STSv1; id=3\"");
        https.policy("mta-sts.e.test", "x".repeat(MtaSts.MAX_POLICY + 1));
        clock.advance(Duration.ofMinutes(2));
        try (LogCapture log = new LogCapture(MtaSts.class.getName())) {
            assertThat(sts.policy("e.test")).isEmpty();
            assertThat(log.events())
                    .anyMatch(e -> e.getFormattedMessage().contains("larger than 65536 bytes"));
        }
    }

    @Test
    void aPolicyHostWhoseCertificateIsNotForItsNameIsNotTrusted() throws Exception {
        dns.replace("_mta-sts.wrongname.test.", "TXT", "\"v=STSv1; id=1\"");
        https.policy("mta-sts.wrongname.test", POLICY);
        try (LogCapture log = new LogCapture(MtaSts.class.getName())) {
            assertThat(sts.policy("wrongname.test")).isEmpty();
            assertThat(log.events())
                    .anyMatch(
                            e ->
                                    e.getFormattedMessage()
                                            .contains("No subject alternative DNS name"));
        }
        assertThat(https.requests("mta-sts.wrongname.test")).isZero();
    }

    @Test
    void modeNoneIsNoPolicy() throws Exception {
        dns.replace("_mta-sts.f.test.", "TXT", "\"v=STSv1; id=1\"");
        https.policy("mta-sts.f.test", "version: STSv1\nmode: none\nmax_age: 86400\n");
        assertThat(sts.policy("f.test")).isEmpty();
    }

    @Test
    void aFailingPolicyHostIsNotAskedAgainForEachMail() throws Exception {
        dns.replace("_mta-sts.g.test.", "TXT", "\"v=STSv1; id=1\"");
        https.answer("mta-sts.g.test", new PolicyServer.Answer(503, "text/plain", "down"));
        assertThat(sts.policy("g.test")).isEmpty();
        assertThat(sts.policy("g.test")).isEmpty();
        assertThat(https.requests("mta-sts.g.test")).isEqualTo(1);
        https.policy("mta-sts.g.test", POLICY);
        clock.advance(Duration.ofSeconds(31)); // the first back-off is 30 s
        assertThat(sts.policy("g.test")).isPresent();
        assertThat(https.requests("mta-sts.g.test")).isEqualTo(2);
    }
}
