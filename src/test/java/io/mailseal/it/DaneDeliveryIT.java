package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig.TlsLevel;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.ServerTls;
import io.mailseal.testing.SignedDns;
import io.mailseal.testing.SignedDns.Zone;
import io.mailseal.testing.TestResolvers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery.tls = dane} in MX mode against BIND 9 serving signed zones on loopback and an MX
 * that speaks STARTTLS: a DANE-EE or DANE-TA match delivers, a mismatch and a bogus TLSA defer, an
 * insecure MX falls back to {@code may}, a secure RRset of only PKIX records means mandatory but
 * unauthenticated TLS.
 */
class DaneDeliveryIT {
    @TempDir static Path dir;

    /** Certificates valid from before the rig's clock (DANE-TA checks dates at its time). */
    static final DemoPki PKI =
            new DemoPki(
                    Clock.fixed(DeliveryRig.START.minus(Duration.ofDays(1)), ZoneOffset.UTC),
                    "Next Hop CA");

    static final DemoPki.Issued SERVER =
            PKI.server(
                    Instant.now().plus(Duration.ofDays(30)),
                    "mx.ee.test",
                    "mx.ta.test",
                    "mx.plain.test");

    static final DemoPki.Issued OTHER =
            PKI.server(Instant.now().plus(Duration.ofDays(30)), "elsewhere.test");
    static CaptureSink sink;
    static SignedDns named;
    @TempDir Path spool;
    DeliveryRig rig;

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** The records of a domain whose MX is mx.DOMAIN on 127.0.0.1 with {@code tlsa}. */
    static String[] mx(String tlsa) {
        return new String[] {
            "@ MX 10 mx", "mx A 127.0.0.1", "_" + sink.port() + "._tcp.mx TLSA " + tlsa
        };
    }

    @BeforeAll
    static void start() throws Exception {
        sink =
                new CaptureSink(
                        Optional.empty(),
                        Optional.of(ServerTls.context(SERVER, PKI.ca().certificate())));
        String spki = sha256(SERVER.certificate().getPublicKey().getEncoded());
        String otherSpki = sha256(OTHER.certificate().getPublicKey().getEncoded());
        named =
                SignedDns.start(
                        dir.resolve("named"),
                        Zone.signed("ee.test", mx("3 1 1 " + spki)),
                        Zone.signed(
                                "ta.test",
                                mx("2 0 1 " + sha256(PKI.ca().certificate().getEncoded()))),
                        Zone.signed("mismatch.test", mx("3 1 1 " + otherSpki)),
                        Zone.signed("pkix.test", mx("1 1 1 " + otherSpki)),
                        Zone.unsigned("plain.test", mx("3 1 1 " + otherSpki)),
                        Zone.broken(
                                "bogus.test",
                                spki.toUpperCase().substring(0, 16),
                                "0000000000000000",
                                mx("3 1 1 " + spki)));
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @BeforeEach
    void rig() throws Exception {
        rig =
                new DeliveryRig(
                        spool,
                        DeliveryRig.mx(sink.port(), TlsLevel.DANE),
                        TestResolvers.over(named.port(), named.trustAnchors()),
                        Optional.empty());
    }

    @AfterEach
    void close() {
        rig.close();
    }

    private List<CapturedMessage> to(String recipient) {
        return sink.messages().stream().filter(m -> m.recipients().contains(recipient)).toList();
    }

    /** Queues {@code id} to {@code recipient}: delivered once, over TLS reported as {@code tls}. */
    private void deliveredWith(String id, String recipient, String tls) throws Exception {
        rig.queue(id, Duration.ofDays(1), recipient);
        rig.awaitOutcome("delivered");
        assertThat(rig.tlsResults).containsExactly(tls);
        assertThat(to(recipient))
                .singleElement()
                .extracting(CapturedMessage::overTls)
                .isEqualTo(true);
    }

    @Test
    void aDaneEeMatchDeliversOverTls() throws Exception {
        deliveredWith("D1.0", "alice@ee.test", "dane-verified");
        assertThat(rig.logLines())
                .anyMatch(
                        l ->
                                l.contains(
                                        "accepted by mx.ee.test[127.0.0.1]:"
                                                + sink.port()
                                                + ", TLS dane-verified"));
    }

    @Test
    void aDaneTaMatchDeliversWhenTheCaIssuedTheCertificateForTheMxName() throws Exception {
        deliveredWith("D2.0", "alice@ta.test", "dane-verified");
    }

    @Test
    void aCertificateNoRecordMatchesDefers() throws Exception {
        rig.queue("D3.0", Duration.ofDays(1), "alice@mismatch.test");
        rig.awaitOutcome("deferred");
        assertThat(to("alice@mismatch.test")).isEmpty();
        assertThat(rig.logLines())
                .anyMatch(l -> l.contains("DANE: no TLSA record of mx.mismatch.test matches"));
    }

    @Test
    void aBogusTlsaDefersWithoutConnecting() throws Exception {
        int sessions = sink.sessionsOpened();
        rig.queue("D4.0", Duration.ofDays(1), "alice@bogus.test");
        rig.awaitOutcome("deferred");
        assertThat(sink.sessionsOpened()).isEqualTo(sessions);
        assertThat(rig.logLines())
                .anyMatch(
                        l ->
                                l.contains(
                                                "4.7.5 TLSA lookup of _"
                                                        + sink.port()
                                                        + "._tcp.mx.bogus.test.")
                                        && l.contains("DNSSEC validation failed"));
    }

    @Test
    void anInsecureMxFallsBackToMayAndItsTlsaIsNotConsulted() throws Exception {
        deliveredWith("D5.0", "alice@plain.test", "encrypted-unverified");
    }

    @Test
    void onlyPkixUsagesMeanMandatoryButUnauthenticatedTls() throws Exception {
        deliveredWith("D6.0", "alice@pkix.test", "encrypted-unverified");
    }
}
