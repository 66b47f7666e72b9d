package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.CaptureSink.Verb;
import io.mailseal.demo.TransactionHold;
import io.mailseal.testing.LoopbackDns;
import io.mailseal.testing.TestResolvers;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery.mode = mx} against a real DNS server on loopback: MX preference with fall-over,
 * implicit MX, null MX, a domain that does not exist, a resolver failure, and one transaction per
 * recipient domain.
 */
class MxDeliveryIT {
    @TempDir Path dir;
    CaptureSink sink;
    LoopbackDns dns;
    DeliveryRig rig;

    @BeforeEach
    void start() throws Exception {
        sink = new CaptureSink(Optional.empty());
        dns =
                new LoopbackDns()
                        .record("bank.example.", "MX", "10 mx.bank.example.")
                        .record("mx.bank.example.", "A", "127.0.0.1")
                        .record("customer.test.", "MX", "10 mx-down.customer.test.")
                        .record("customer.test.", "MX", "20 mx-up.customer.test.")
                        .record(
                                "mx-down.customer.test.",
                                "A",
                                "127.0.0.2") // loopback, nothing listens: refused
                        .record("mx-up.customer.test.", "A", "127.0.0.1")
                        .record("other.test.", "MX", "10 mx-up.customer.test.")
                        .record("no-mx.test.", "A", "127.0.0.1")
                        .record("null-mx.test.", "MX", "0 .")
                        .record("ordered.test.", "MX", "20 mx-up.customer.test.")
                        .record("ordered.test.", "MX", "10 mx-first.ordered.test.")
                        .record("mx-first.ordered.test.", "A", "127.0.0.2")
                        .failing("broken.test.");
        rig =
                new DeliveryRig(
                        dir,
                        DeliveryRig.mx(sink.port(), DeliveryConfig.TlsLevel.NONE),
                        TestResolvers.unsigned(dns.port(), dir),
                        Optional.empty());
    }

    @AfterEach
    void stop() {
        rig.close();
        dns.close();
        sink.close();
    }

    @Test
    void theNextMxIsTriedWhenTheFirstCannotBeReached() throws Exception {
        rig.queue("M1.0", Duration.ofDays(1), "alice@customer.test");
        rig.awaitOutcome("delivered");
        assertThat(rig.tlsResults).as("tls = none").containsExactly("none");
        assertThat(sink.messages())
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of("alice@customer.test"));
    }

    @Test
    void anAddressThisRelayCannotParseDoesNotKeepTheOthersFromTheNextMx() throws Exception {
        rig.queue("M7.0", Duration.ofDays(1), "alice@customer.test", "a b@customer.test");
        rig.awaitOutcome("bounced");
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10)))
                .as("the message and the DSN")
                .isTrue();
        assertThat(sink.messages())
                .filteredOn(m -> m.envelopeFrom().equals(DeliveryRig.BANK))
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of("alice@customer.test"));
    }

    @Test
    void eachRecipientDomainIsItsOwnTransaction() throws Exception {
        rig.queue(
                "M2.0",
                Duration.ofDays(1),
                "alice@customer.test",
                "bob@other.test",
                "carol@no-mx.test");
        rig.awaitOutcome("delivered");
        assertThat(sink.messages())
                .extracting(CapturedMessage::recipients)
                .containsExactlyInAnyOrder(
                        List.of("alice@customer.test"),
                        List.of("bob@other.test"),
                        List.of("carol@no-mx.test"));
    }

    @Test
    void aDomainThatDoesNotExistOrHasANullMxBouncesAtOnce() throws Exception {
        rig.queue("M3.0", Duration.ofDays(1), "a@nowhere.test", "b@null-mx.test");
        rig.awaitOutcome("bounced");
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(10)))
                .as("the DSN, routed by MX to the bank")
                .isTrue();
        CapturedMessage dsn = sink.messages().get(0);
        assertThat(dsn.recipients()).containsExactly(DeliveryRig.BANK);
        assertThat(dsn.text())
                .contains("Final-Recipient: rfc822; a@nowhere.test")
                .contains("Status: 5.1.2")
                .contains("Final-Recipient: rfc822; b@null-mx.test")
                .contains("Status: 5.1.10")
                .as("what the relay found itself is no SMTP reply (RFC 3464 §2.3.6)")
                .contains("Diagnostic-Code: X-mailseal; 550 5.1.2")
                .doesNotContain("Diagnostic-Code: smtp");
    }

    @Test
    void aResolverFailureDefersAndNeverBounces() throws Exception {
        rig.queue("M4.0", Duration.ofDays(1), "a@broken.test");
        rig.awaitOutcome("deferred");
        assertThat(sink.messages()).isEmpty();
        assertThat(rig.spool.read("M4.0")).isPresent();
    }

    /** The most preferred MX of ordered.test, on 127.0.0.2 at the port of the others. */
    private CaptureSink firstMx() throws Exception {
        return new CaptureSink(InetAddress.getByName("127.0.0.2"), sink.port(), Optional.empty());
    }

    @Test
    void mxHostsAreTriedInPreferenceOrder() throws Exception {
        try (CaptureSink first = firstMx()) {
            first.failNext(Verb.MAIL, 421, "4.3.2 busy");
            rig.queue("M5.0", Duration.ofDays(1), "alice@ordered.test");
            rig.awaitOutcome("delivered");
            assertThat(first.sessionsOpened()).as("preference 10 first").isEqualTo(1);
            assertThat(first.messages()).isEmpty();
            assertThat(sink.messages())
                    .as("then preference 20")
                    .singleElement()
                    .extracting(CapturedMessage::recipients)
                    .isEqualTo(List.of("alice@ordered.test"));
        }
    }

    @Test
    void noAnswerAfterTheFinalDotDefersInsteadOfTryingTheNextMx() throws Exception {
        try (CaptureSink first = firstMx()) {
            TransactionHold silent = first.holdNext(Verb.DATA);
            rig.queue("M6.0", Duration.ofDays(1), "alice@ordered.test");
            rig.awaitOutcome("deferred");
            silent.release();
            assertThat(sink.messages()).as("the first MX may have taken it: RFC 1047").isEmpty();
            assertThat(rig.spool.read("M6.0")).isPresent();
        }
    }

    @Test
    void expiryIsCheckedAgainBeforeTheNextMx() throws Exception {
        try (CaptureSink first = firstMx()) {
            first.failNext(Verb.MAIL, 421, "4.3.2 busy");
            TransactionHold slow = first.holdNext(Verb.MAIL);
            rig.queue("M7.0", Duration.ofMinutes(10), "alice@ordered.test");
            assertThat(slow.awaitReached(Duration.ofSeconds(10))).isTrue();
            rig.clock.advance(Duration.ofMinutes(11));
            slow.release();
            rig.awaitOutcome("expired");
            assertThat(sink.awaitMessages(1, Duration.ofSeconds(10)))
                    .as("the DSN, by MX to the bank")
                    .isTrue();
            assertThat(sink.messages())
                    .singleElement()
                    .satisfies(
                            dsn -> {
                                assertThat(dsn.envelopeFrom()).as("never the code, late").isEmpty();
                                assertThat(dsn.text()).contains("Status: 4.4.7");
                            });
        }
    }
}
