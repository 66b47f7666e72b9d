package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.ServerTls;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Outbound STARTTLS at each level against a loopback next hop with real certificates:
 * {@code verify} delivers only to a hop whose certificate chains to the configured anchors,
 * is in date and names the host connected to; otherwise the mail waits (deferred) and the
 * log says why. The opportunistic levels encrypt whatever the certificate.
 */
class OutboundTlsIT {
    static final String ALICE = "alice@customer.example";
    static final Instant FAR = Instant.now().plus(Duration.ofDays(30));

    @TempDir
    Path dir;
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "Next Hop CA");
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    CaptureSink sink;
    DeliveryRig rig;

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(DeliveryScheduler.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(DeliveryScheduler.class)).detachAppender(log);
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
        rig = new DeliveryRig(dir, DeliveryRig.smarthost(sink.port(), level),
                Optional.of(Set.of(new TrustAnchor(pki.ca().certificate(), null))));
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
    }

    private String deferralReason() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("deferred"))
                .findFirst().orElseThrow();
    }

    @Test
    void verifyDeliversToAHopWhoseCertificateNamesIt() throws Exception {
        start(pki.server(FAR, "mx.customer.test", "127.0.0.1"), TlsLevel.VERIFY);
        rig.awaitOutcome("delivered");
        assertThat(sink.messages()).singleElement().extracting(CaptureSink.CapturedMessage::overTls).isEqualTo(true);
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
        SSLContext tls = ServerTls.context(stranger.server(FAR, "127.0.0.1"), stranger.ca().certificate());
        sink = new CaptureSink(Optional.empty(), Optional.of(tls));
        rig = new DeliveryRig(dir, DeliveryRig.smarthost(sink.port(), TlsLevel.VERIFY),
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
        assertThat(sink.messages()).as("encrypted, though not authenticated").singleElement()
                .extracting(CaptureSink.CapturedMessage::overTls).isEqualTo(true);
    }

    @Test
    void encryptDefersWhenTheHopOffersNoStartTls() throws Exception {
        sink = new CaptureSink(Optional.empty());
        rig = new DeliveryRig(dir, DeliveryRig.smarthost(sink.port(), TlsLevel.ENCRYPT), Optional.empty());
        rig.queue("T1.0", Duration.ofDays(1), ALICE);
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(deferralReason()).containsIgnoringCase("STARTTLS");
    }
}
