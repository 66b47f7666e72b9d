package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.config.DeliveryConfig;
import io.mailseal.demo.CaptureSink;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.CaptureSink.Verb;
import io.mailseal.demo.TransactionHold;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Delivery against a real next hop that fails on purpose, per SMTP verb and per recipient, with
 * time moved by hand: back-off, retry, per-recipient results, expiry and DSNs.
 */
class DeliveryIT extends ScriptedHopIT {
    static final String BANK = DeliveryRig.BANK;
    static final String ALICE = "alice@customer.example";
    static final String BOB = "bob@customer.example";

    private void queue(String id, Duration maxAge, String... recipients) throws Exception {
        rig.queue(id, maxAge, recipients);
    }

    private void awaitOutcome(String outcome) throws InterruptedException {
        rig.awaitOutcome(outcome);
    }

    @Test
    void aFourTwentyOneAtMailIsRetriedAfterTheBackOffAndNotBefore() throws Exception {
        sink.failNext(Verb.MAIL, 421, "4.3.2 closing for maintenance");
        queue("Q1.0", Duration.ofDays(1), ALICE);
        awaitOutcome("deferred");
        assertThat(rig.logLines())
                .as("due at retry.initial, not before")
                .contains(
                        "retry at "
                                + DeliveryRig.START.plus(Duration.ofMinutes(1))
                                + " for 1 recipient(s)");
        assertThat(sink.messages()).isEmpty();
        rig.clock.advance(Duration.ofMinutes(1));
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.messages().get(0).recipients()).containsExactly(ALICE);
        awaitOutcome("delivered");
        assertThat(rig.spool.read("Q1.0")).isEmpty();
    }

    @Test
    void aConnectionLostAtDataIsRetriedAndDeliveredOnce() throws Exception {
        sink.dropNext(Verb.DATA);
        queue("Q2.0", Duration.ofDays(1), ALICE);
        awaitOutcome("deferred");
        rig.clock.advance(Duration.ofMinutes(1));
        awaitOutcome("delivered");
        assertThat(sink.messages()).hasSize(1);
    }

    @Test
    void aRecipientRefusedForGoodBouncesAloneAndTheOtherIsDelivered() throws Exception {
        sink.refuseRecipient(BOB, 550, "5.1.1 no such user");
        queue("Q3.0", Duration.ofDays(1), ALICE, BOB);
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10)))
                .as("the message and the DSN")
                .isTrue();
        CapturedMessage delivered =
                sink.messages().stream()
                        .filter(m -> m.envelopeFrom().equals(BANK))
                        .findFirst()
                        .orElseThrow();
        assertThat(delivered.recipients()).containsExactly(ALICE);
        CapturedMessage dsn =
                sink.messages().stream()
                        .filter(m -> m.envelopeFrom().isEmpty())
                        .findFirst()
                        .orElseThrow();
        assertThat(dsn.recipients()).containsExactly(BANK);
        assertThat(dsn.text())
                .contains("multipart/report; report-type=delivery-status")
                .contains("Final-Recipient: rfc822; " + BOB)
                .contains("Status: 5.1.1")
                .contains(
                        "Remote-MTA: dns; 127.0.0.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user")
                .doesNotContain("Final-Recipient: rfc822; " + ALICE)
                .doesNotContain("ciphertext");
        assertThat(rig.spool.read("Q3.0")).isEmpty();
    }

    @Test
    void aRecipientDeferredAloneIsRetriedAloneAndTheOtherIsNotSentTwice() throws Exception {
        sink.refuseRecipient(BOB, 452, "4.2.2 mailbox full");
        queue("Q4.0", Duration.ofDays(1), ALICE, BOB);
        awaitOutcome("deferred");
        assertThat(sink.messages())
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of(ALICE));
        assertThat(rig.spool.read("Q4.0"))
                .get()
                .extracting(SpooledMessage::recipients)
                .isEqualTo(List.of(BOB));
        sink.acceptRecipient(BOB);
        rig.clock.advance(Duration.ofMinutes(1));
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.messages().get(1).recipients()).containsExactly(BOB);
        awaitOutcome("delivered");
        assertThat(rig.spool.read("Q4.0")).isEmpty();
    }

    @Test
    void aCodeWhoseNextHopDefersForElevenMinutesIsNeverDeliveredAndTheSenderIsTold()
            throws Exception {
        sink.refuseRecipient(ALICE, 451, "4.3.0 try later");
        queue("Q5.0", Duration.ofMinutes(10), ALICE);
        // attempts at 0, 1, 3 and 7 minutes (back-off 1m, 2m, 4m); the next would be at 15: it
        // expires at 10
        for (Duration step :
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4))) {
            awaitOutcome("deferred");
            rig.clock.advance(step);
        }
        awaitOutcome("deferred");
        sink.acceptRecipient(ALICE); // the hop is back, but the code is too old now
        rig.clock.advance(Duration.ofMinutes(4));
        rig.awaitOutcomes("expired", "delivered"); // the DSN's worker may report first
        assertThat(rig.spool.read("Q5.0"))
                .as("gone from the spool: nothing can send it late")
                .isEmpty();
        assertThat(sink.messages())
                .singleElement()
                .satisfies(
                        dsn -> {
                            assertThat(dsn.recipients()).containsExactly(BANK);
                            assertThat(dsn.text())
                                    .contains("Status: 4.4.7")
                                    .contains("will not be delivered late")
                                    .contains(
                                            "Diagnostic-Code: X-mailseal; not delivered within max-age (policy otp)");
                        });
    }

    @Test
    void aCodeThatExpiresDuringTheDialogueNeverGetsItsFinalDot() throws Exception {
        TransactionHold slow = sink.holdNext(Verb.RCPT);
        queue("Q9.0", Duration.ofMinutes(10), ALICE);
        assertThat(slow.awaitReached(Duration.ofSeconds(10))).isTrue();
        rig.clock.advance(Duration.ofMinutes(11)); // a tarpitting hop: the code is too old by DATA
        slow.release();
        rig.awaitOutcomes("expired", "delivered"); // the DSN's worker may report first
        assertThat(sink.messages())
                .as("only the DSN: the code itself never completed DATA")
                .singleElement()
                .satisfies(dsn -> assertThat(dsn.recipients()).containsExactly(BANK));
        assertThat(rig.spool.read("Q9.0")).isEmpty();
    }

    @Test
    void noBounceGoesToTheNullSender() throws Exception {
        sink.refuseRecipient(ALICE, 550, "5.1.1 no such user");
        SpooledMessage m =
                new SpooledMessage(
                        "Q6.0",
                        "",
                        List.of(ALICE),
                        "dsn",
                        rig.clock.instant(),
                        rig.clock.instant().plus(Duration.ofDays(1)),
                        "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        rig.spool.write(List.of(m));
        rig.scheduler.submit(m);
        awaitOutcome("bounced");
        assertThat(rig.spool.ids())
                .as("a DSN is spooled before the bounce is counted: none")
                .isEmpty();
        assertThat(sink.messages()).isEmpty();
    }

    @Test
    void aKeptConnectionTheHopTimedOutIsReplacedWithoutDeferringTheMessage() throws Exception {
        try (CaptureSink impatient =
                        new CaptureSink(
                                Optional.empty(), Optional.empty(), Duration.ofMillis(300));
                DeliveryRig quick =
                        new DeliveryRig(
                                dir.resolve("quick"),
                                DeliveryRig.smarthost(
                                        impatient.port(), DeliveryConfig.TlsLevel.NONE),
                                Optional.empty())) {
            quick.queue("K1.0", Duration.ofDays(1), ALICE);
            quick.awaitOutcome("delivered");
            assertThat(impatient.awaitSessionsOpen(0, Duration.ofSeconds(10)))
                    .as("the hop timed it out")
                    .isTrue();
            quick.queue("K2.0", Duration.ofDays(1), ALICE);
            quick.awaitOutcome("delivered");
            assertThat(impatient.messages()).hasSize(2);
            assertThat(quick.outcomes).as("never deferred").doesNotContain("deferred");
        }
    }

    @Test
    void aConnectionKeptIdleForThirtySecondsIsClosed() throws Exception {
        queue("I1.0", Duration.ofDays(1), ALICE);
        awaitOutcome("delivered");
        assertThat(sink.sessionsOpened()).isEqualTo(1);
        rig.clock.advance(Duration.ofSeconds(29));
        // the idle check runs every second: two of its reads of the clock mean one whole run saw 29
        // s idle
        Eventually.await(
                "the idle check ran at 29 s idle",
                Duration.ofSeconds(10),
                () -> rig.clock.readsSinceAdvance("delivery-idle-connections") >= 2);
        queue("I2.0", Duration.ofDays(1), ALICE);
        awaitOutcome("delivered");
        assertThat(sink.sessionsOpened())
                .as("the kept connection carried the next message")
                .isEqualTo(1);
        rig.clock.advance(Duration.ofSeconds(31));
        assertThat(sink.awaitSessionsOpen(0, Duration.ofSeconds(10)))
                .as("closed by the relay")
                .isTrue();
    }

    @Test
    void anUnparseableRecipientBouncesAloneAndTheOtherIsDelivered() throws Exception {
        queue("A1.0", Duration.ofDays(1), ALICE, "a b@customer.example");
        awaitOutcome("bounced");
        assertThat(sink.awaitMessages(2, Duration.ofSeconds(10)))
                .as("the message and the DSN")
                .isTrue();
        assertThat(sink.messages())
                .filteredOn(m -> m.envelopeFrom().equals(BANK))
                .singleElement()
                .extracting(CapturedMessage::recipients)
                .isEqualTo(List.of(ALICE));
        assertThat(sink.messages())
                .filteredOn(m -> m.envelopeFrom().isEmpty())
                .singleElement()
                .satisfies(
                        dsn ->
                                assertThat(dsn.text())
                                        .contains(
                                                "Final-Recipient: rfc822; \"a b\"@customer.example")
                                        .contains("Status: 5.1.3")
                                        .contains(
                                                "Diagnostic-Code: X-mailseal; 553 5.1.3 bad recipient")
                                        .doesNotContain("Remote-MTA"));
    }

    @Test
    void noWaitForTheNextHopIsLongerThanTheMessageHasLeftToLive() throws Exception {
        DeliveryConfig slowToGiveUp =
                DeliveryRig.with(
                        DeliveryRig.smarthost(sink.port(), DeliveryConfig.TlsLevel.NONE),
                        2,
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(5));
        try (DeliveryRig code =
                new DeliveryRig(dir.resolve("code"), slowToGiveUp, Optional.empty())) {
            TransactionHold silent = sink.holdNext(Verb.DATA);
            long start = System.nanoTime();
            code.queue("E1.0", Duration.ofSeconds(2), ALICE);
            code.awaitOutcome("deferred");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("2 s left, not the 60 s timeout")
                    .isLessThan(Duration.ofSeconds(8));
            silent.release();
        }
    }
}
