package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.ConfigLoader;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.config.PolicyConfig;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.LoopbackDns;
import io.mailseal.testing.ServerTls;
import io.mailseal.testing.TestResolvers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound STARTTLS at each level against a loopback next hop with real certificates: {@code
 * verify} delivers only to a hop whose certificate chains to the configured anchors, is in date and
 * names the host connected to; otherwise the mail waits (deferred) and the log says why. The
 * opportunistic levels encrypt whatever the certificate; when the handshake itself fails, {@code
 * may} sends without TLS and {@code encrypt} waits. A policy's {@code delivery-tls} raises the
 * level for its own mail only, and a connection kept from mail sent at a lower level never carries
 * it.
 */
class OutboundTlsIT {
    static final String ALICE = "alice@customer.example";
    static final String BOB = "bob@customer.example";
    static final Instant FAR = Instant.now().plus(Duration.ofDays(30));

    @TempDir Path dir;
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "Next Hop CA");
    CaptureSink sink;
    DeliveryRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    private void start(DemoPki.Issued serverCert, TlsLevel level) throws Exception {
        SSLContext tls = ServerTls.context(serverCert, pki.ca().certificate());
        sink = new CaptureSink(Optional.empty(), Optional.of(tls));
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), level),
                        Optional.of(Set.of(new TrustAnchor(pki.ca().certificate(), null))));
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
    }

    /** A hop that offers STARTTLS but cannot complete a handshake (it has no certificate). */
    private void startWithBrokenTls(TlsLevel level) throws Exception {
        SSLContext noCertificate = SSLContext.getInstance("TLS");
        noCertificate.init(null, null, null);
        sink = new CaptureSink(Optional.empty(), Optional.of(noCertificate));
        rig = new DeliveryRig(dir, DeliveryRig.smarthost(sink.port(), level), Optional.empty());
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
    }

    /** relay.conf's policies: statements need {@code level}, other mail the global level. */
    private List<PolicyConfig> statementsNeed(String level) throws Exception {
        Path conf =
                Files.writeString(
                        dir.resolve("relay.conf"),
                        """
                mailseal.policies = [
                  { name = statement, match { from = "statements@bank.example" }, action = sign, timestamp = off,
                    delivery-tls = %s }
                  { name = default, action = pass }
                ]"""
                                .formatted(level));
        return ConfigLoader.load(conf).policies();
    }

    /** A signed statement to Alice and a newsletter to Bob, queued together. */
    private void queueStatementAndNewsletter() throws Exception {
        rig.scheduler.submit(
                rig.spooled(
                        "statements@bank.example", "statement", "S1.0", Duration.ofDays(1), ALICE));
        rig.scheduler.submit(
                rig.spooled("news@bank.example", "default", "N1.0", Duration.ofDays(1), BOB));
    }

    /** How the next {@code n} attempts ended, in the order they ended. */
    private List<String> outcomes(int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(rig.outcomes.poll(10, TimeUnit.SECONDS));
        }
        return out;
    }

    private String deferralReason() {
        return rig.logLines().stream()
                .filter(m -> m.startsWith("deferred"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void verifyDeliversToAHopWhoseCertificateNamesIt() throws Exception {
        start(pki.server(FAR, "mx.customer.test", "127.0.0.1"), TlsLevel.VERIFY);
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .singleElement()
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(true);
    }

    @Test
    void verifyDefersWhenTheCertificateIsForAnotherHostAndSaysWhy() throws Exception {
        start(pki.server(FAR, "mx.wrong.test"), TlsLevel.VERIFY);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(deferralReason()).contains(ALICE).containsIgnoringCase("127.0.0.1");
        assertThat(rig.spool.read("T1.0")).isPresent();
    }

    @Test
    void verifyDefersWhenTheCertificateHasExpired() throws Exception {
        start(pki.server(Instant.now().minus(Duration.ofDays(1)), "127.0.0.1"), TlsLevel.VERIFY);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(deferralReason()).containsIgnoringCase("expired");
    }

    @Test
    void verifyDefersWhenTheCertificateChainsToAnUntrustedAuthority() throws Exception {
        DemoPki stranger = new DemoPki(Clock.systemUTC(), "Somebody Else");
        SSLContext tls =
                ServerTls.context(stranger.server(FAR, "127.0.0.1"), stranger.ca().certificate());
        sink = new CaptureSink(Optional.empty(), Optional.of(tls));
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), TlsLevel.VERIFY),
                        Optional.of(Set.of(new TrustAnchor(pki.ca().certificate(), null))));
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(deferralReason()).containsIgnoringCase("certification path");
    }

    @Test
    void mayEncryptsToAHopWithAnyCertificate() throws Exception {
        start(pki.server(Instant.now().minus(Duration.ofDays(1)), "mx.wrong.test"), TlsLevel.MAY);
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .as("encrypted, though not authenticated")
                .singleElement()
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(true);
    }

    @Test
    void encryptDefersWhenTheHopOffersNoStartTls() throws Exception {
        sink = new CaptureSink(Optional.empty());
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), TlsLevel.ENCRYPT),
                        Optional.empty());
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(deferralReason()).containsIgnoringCase("STARTTLS");
    }

    @Test
    void mayFallsBackToCleartextWhenTheHandshakeFails() throws Exception {
        startWithBrokenTls(TlsLevel.MAY);
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .as("opportunistic: sent, in cleartext")
                .singleElement()
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(false);
        assertThat(rig.logLines())
                .anyMatch(l -> l.startsWith("STARTTLS with 127.0.0.1:" + sink.port() + " failed"));
    }

    @Test
    void encryptNeverFallsBackToCleartextWhenTheHandshakeFails() throws Exception {
        startWithBrokenTls(TlsLevel.ENCRYPT);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(sink.sessionsOpened()).as("no second, cleartext connection").isEqualTo(1);
        assertThat(deferralReason()).containsIgnoringCase("TLS");
    }

    @Test
    void verifyChecksTheMxHostNameNotTheAddressConnectedTo() throws Exception {
        sink =
                new CaptureSink(
                        Optional.empty(),
                        Optional.of(
                                ServerTls.context(
                                        pki.server(FAR, "mx.customer.test"),
                                        pki.ca().certificate())));
        try (LoopbackDns dns =
                new LoopbackDns()
                        .record("customer.test.", "MX", "10 mx.customer.test.")
                        .record("mx.customer.test.", "A", "127.0.0.1")) {
            rig =
                    new DeliveryRig(
                            dir,
                            DeliveryRig.mx(sink.port(), TlsLevel.VERIFY),
                            TestResolvers.unsigned(dns.port(), dir),
                            Optional.of(Set.of(new TrustAnchor(pki.ca().certificate(), null))));
            rig.queue("T1.0", Duration.ofDays(1), "alice@customer.test");
            rig.awaitOutcome("delivered");
            assertThat(rig.tlsResults).containsExactly("verified");
            assertThat(sink.messages())
                    .singleElement()
                    .extracting(CaptureSink.CapturedMessage::overTls)
                    .isEqualTo(true);
        }
    }

    @Test
    void aPolicyThatNeedsEncryptWaitsForAHopWithoutStartTlsWhileOtherMailGoesInClear()
            throws Exception {
        sink = new CaptureSink(Optional.empty());
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), TlsLevel.MAY),
                        Optional.empty(),
                        statementsNeed("encrypt"));
        queueStatementAndNewsletter();
        assertThat(outcomes(2)).containsExactlyInAnyOrder("delivered", "deferred");
        assertThat(sink.messages())
                .as("the newsletter, in cleartext as may allows")
                .singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly(BOB))
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(false);
        assertThat(deferralReason())
                .contains(ALICE)
                .contains("policy=statement")
                .containsIgnoringCase("STARTTLS");
        assertThat(rig.spool.read("S1.0")).isPresent();
    }

    @Test
    void aConnectionKeptFromCleartextMailNeverCarriesMailThatNeedsEncrypt() throws Exception {
        sink = new CaptureSink(Optional.empty());
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), TlsLevel.MAY),
                        Optional.empty(),
                        statementsNeed("encrypt"));
        rig.scheduler.submit(
                rig.spooled("news@bank.example", "default", "N1.0", Duration.ofDays(1), BOB));
        rig.awaitOutcome("delivered");
        rig.scheduler.submit(
                rig.spooled(
                        "statements@bank.example", "statement", "S1.0", Duration.ofDays(1), ALICE));
        rig.awaitOutcome("deferred");
        assertThat(sink.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly(BOB));
        assertThat(sink.sessionsOpened())
                .as("the statement tried a connection of its own")
                .isEqualTo(2);
    }

    @Test
    void aPolicyThatNeedsVerifyChecksTheHopsNameWhileOtherMailIsEncryptedAnyway() throws Exception {
        SSLContext tls =
                ServerTls.context(pki.server(FAR, "mx.wrong.test"), pki.ca().certificate());
        sink = new CaptureSink(Optional.empty(), Optional.of(tls));
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.smarthost(sink.port(), TlsLevel.MAY),
                        Optional.of(Set.of(new TrustAnchor(pki.ca().certificate(), null))),
                        statementsNeed("verify"));
        queueStatementAndNewsletter();
        assertThat(outcomes(2)).containsExactlyInAnyOrder("delivered", "deferred");
        assertThat(sink.messages())
                .singleElement()
                .satisfies(m -> assertThat(m.recipients()).containsExactly(BOB))
                .extracting(CaptureSink.CapturedMessage::overTls)
                .isEqualTo(true);
        assertThat(deferralReason()).contains(ALICE).containsIgnoringCase("127.0.0.1");
    }
}
